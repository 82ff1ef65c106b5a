"""Background task of FN-10: write a store's full export (enqueued on commit)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_store_export(export_id: int) -> dict[str, object]:
    from .services import store_export_run

    export = store_export_run(export_id=export_id)
    return {"export": export_id, "status": export.status if export else "missing"}
