"""Background tasks of the customer records (run by the task worker)."""

from __future__ import annotations

from django_tasks import task

from siwei.core.models import Store

from .services import customer_categories_recompute


@task()
def recompute_customer_categories() -> dict[str, int]:
    """Nightly (CS-4): recompute every active store's customer categories, so that owners
    become old after 12 months and churned without a service visit."""
    return {store.code: customer_categories_recompute(store=store)
            for store in Store.objects.filter(is_active=True).order_by("code")}
