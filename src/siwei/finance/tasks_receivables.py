"""Background task of the receivables area (run by the task worker)."""

from __future__ import annotations

from django_tasks import task

from siwei.core.models import Store


@task()
def sync_receivables() -> dict[str, int]:
    """FN-4: create the receivables missing from approved warranty claims, insured repairs
    and approved loans, in every active store. Idempotent."""
    from .services.receivables import receivables_sync

    return {store.code: receivables_sync(store=store)
            for store in Store.objects.filter(is_active=True).order_by("code")}
