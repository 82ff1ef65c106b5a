"""FN-9 with real transactions (no test-wrapping transaction): the import is one
transaction, so a row refused while writing leaves nothing behind (all or nothing), and
the progress of a running job is committed between chunks, so another connection (the
page polling it) sees it move."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from siwei.crm.models import Customer
from siwei.reports.imports import services
from siwei.reports.imports.rows import HANDLERS
from siwei.reports.models import ImportJob, ImportStatus

from .imports_helpers import csv_upload, media

__all__ = ["media"]


def customers_file(n: int):
    return csv_upload(["姓名 Name", "手机号 Mobile"],
                      [[f"客户{i}", f"1371234{i:04d}"] for i in range(n)])


def _fail_on_call(monkeypatch, failing_call: int):
    """The customers handler refuses its ``failing_call``-th row (as if someone changed
    the data between the check and the write)."""
    handler = HANDLERS["customers"]
    original = type(handler).write
    calls = {"n": 0}

    def write(self, ctx, values):
        calls["n"] += 1
        if calls["n"] == failing_call:
            raise ValidationError({"mobile": ["changed in the meantime"]})
        return original(self, ctx, values)

    monkeypatch.setattr(type(handler), "write", write)


@pytest.mark.django_db(transaction=True)
def test_fn9_all_or_nothing_rolls_back_every_row_when_one_fails_while_writing(
        staff, store_bj, media, monkeypatch):
    manager = staff("sales_manager", store=store_bj)
    _fail_on_call(monkeypatch, 6)  # 3 rows checked, then the third write fails
    job = services.import_job_create(actor=manager, store=store_bj, kind="customers",
                                     mode="all_or_nothing", file=customers_file(3))
    assert job.status == ImportStatus.REFUSED
    assert [(e["row"], e["column"]) for e in job.errors] == [(4, "mobile")]
    assert Customer.objects.count() == 0  # the first two rows were rolled back too


@pytest.mark.django_db(transaction=True)
def test_fn9_good_rows_only_keeps_the_rows_written_before_a_late_failure(
        staff, store_bj, media, monkeypatch):
    manager = staff("sales_manager", store=store_bj)
    _fail_on_call(monkeypatch, 6)
    job = services.import_job_create(actor=manager, store=store_bj, kind="customers",
                                     mode="good_rows_only", file=customers_file(3))
    assert job.status == ImportStatus.DONE
    assert (job.written_rows, job.good_rows) == (2, 2)
    assert [e["row"] for e in job.errors] == [4]
    assert Customer.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fn9_progress_is_visible_to_another_connection_while_the_task_runs(
        staff, store_bj, media, monkeypatch, settings):
    settings.SIWEI_IMPORT_INLINE_ROWS = 0
    settings.SIWEI_IMPORT_CHUNK_ROWS = 2
    manager = staff("sales_manager", store=store_bj)
    seen = []
    original = services._progress

    def spy(job, processed):
        original(job, processed)
        result = {}

        def read():
            from django.db import connections

            try:
                result["row"] = ImportJob.objects.values_list(
                    "status", "processed_rows").get(pk=job.pk)
            finally:
                connections.close_all()

        reader = threading.Thread(target=read)
        reader.start()
        reader.join()
        seen.append(result["row"])

    monkeypatch.setattr(services, "_progress", spy)
    job = services.import_job_create(actor=manager, store=store_bj, kind="customers",
                                     mode="all_or_nothing", file=customers_file(5))
    # Outside a transaction, on_commit runs at once: the test backend runs the task.
    job.refresh_from_db()
    assert connection.vendor == "postgresql"
    assert seen == [("running", 2), ("running", 4), ("running", 5)]
    assert job.status == ImportStatus.DONE and Customer.objects.count() == 5
