"""Background tasks of the service department (run by the task worker)."""

from __future__ import annotations

from django_tasks import task

from siwei.core.models import Store

from .services.appointments import appointment_mark_no_shows


@task()
def mark_appointment_no_shows() -> dict[str, int]:
    """Every few minutes (SV-4): booked or confirmed appointments not arrived
    ``no_show_minutes`` after their slot become no-shows, in every active store, and
    their reserved parts are released. Idempotent."""
    return {store.code: appointment_mark_no_shows(store=store)
            for store in Store.objects.filter(is_active=True).order_by("code")}


@task()
def close_repair_orders() -> dict[str, int]:
    """Daily (SV-16): released repair orders whose follow-up call is done, or that were
    released 7 days ago, become closed, in every active store. Idempotent."""
    from .services.orders import repair_orders_close_due

    return {store.code: repair_orders_close_due(store=store)
            for store in Store.objects.filter(is_active=True).order_by("code")}
