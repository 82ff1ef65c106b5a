"""Background tasks of the parts department (run by the task worker)."""

from __future__ import annotations

from django_tasks import task

from siwei.core.models import Store

from .services import abc_classify


@task()
def recompute_abc_classes() -> dict[str, dict[str, int]]:
    """Nightly (PT-13, PT-12): store every part's ABC class in every active store from
    the last 12 complete months, so that the cycle counts (A monthly, B quarterly,
    C yearly) pick the right parts. Running it again gives the same classes."""
    return {store.code: abc_classify(actor=None, store=store)
            for store in Store.objects.filter(is_active=True).order_by("code")}
