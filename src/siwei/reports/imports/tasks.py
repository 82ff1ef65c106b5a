"""Background task of FN-9: run a large import file (enqueued on commit)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import_job(job_id: int) -> dict[str, object]:
    from .services import import_job_run

    job = import_job_run(job_id=job_id)
    return {"job": job.pk, "status": job.status, "written": job.written_rows}
