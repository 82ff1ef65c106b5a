"""Audit events and document numbering (architecture.md: Audit, Numbers)."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection, transaction

from siwei.core.audit import audit_record, snapshot
from siwei.core.models import AuditEvent, DocumentCounter
from siwei.core.numbering import number_next

pytestmark = pytest.mark.django_db


def test_audit_record_keeps_who_when_store_object_and_before_after(staff, store_bj, clock):
    user = staff("store_manager", store=store_bj)
    event = audit_record(actor=user, action="store.update", obj=store_bj,
                         before={"tax_rate": Decimal("0.13")}, after={"tax_rate": Decimal("0.09")})
    event.refresh_from_db()
    assert event.actor == user
    assert event.at == clock.now()
    assert event.object_type == "core.store" and event.object_id == str(store_bj.pk)
    assert event.store is None  # a store row has no store of its own unless given
    assert event.before == {"tax_rate": "0.13"} and event.after == {"tax_rate": "0.09"}


def test_audit_snapshot_reads_foreign_keys_as_ids(store_bj):
    assert snapshot(store_bj, ["code", "group", "tax_rate"]) == {
        "code": "BJ01", "group": store_bj.group_id, "tax_rate": "0.1300"}


def test_audit_events_are_append_only(store_bj):
    event = audit_record(actor=None, action="x", obj=store_bj, store=store_bj)
    event.action = "changed"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "x"


def test_number_format_and_sequence_per_store_type_and_day(store_bj, store_sh, clock):
    with transaction.atomic():
        first = number_next(store=store_bj, doc_type="RO")
        second = number_next(store=store_bj, doc_type="RO")
        other_type = number_next(store=store_bj, doc_type="SO")
        other_store = number_next(store=store_sh, doc_type="RO")
    assert first == "RO-BJ01-20261122-0001"
    assert second == "RO-BJ01-20261122-0002"
    assert other_type == "SO-BJ01-20261122-0001"
    assert other_store == "RO-SH01-20261122-0001"
    clock.advance(days=1)
    with transaction.atomic():
        assert number_next(store=store_bj, doc_type="RO") == "RO-BJ01-20261123-0001"
    with transaction.atomic():
        earlier = number_next(store=store_bj, doc_type="RO", day=dt.date(2026, 11, 22))
    assert earlier.endswith("-0003")


def test_rolled_back_document_gives_its_number_back(store_bj, clock):
    with pytest.raises(RuntimeError), transaction.atomic():
        assert number_next(store=store_bj, doc_type="RO").endswith("-0001")
        raise RuntimeError("the document failed to save")
    with transaction.atomic():
        assert number_next(store=store_bj, doc_type="RO").endswith("-0001")


@pytest.mark.django_db(transaction=True)
def test_numbering_refuses_to_run_outside_a_transaction(store_bj):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        number_next(store=store_bj, doc_type="RO")


def test_numbering_rejects_bad_document_types(store_bj):
    with transaction.atomic(), pytest.raises(ValueError):
        number_next(store=store_bj, doc_type="ro-1")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_numbers_are_unique_and_gapless_under_parallel_connections(store_bj):
    """Eight connections each create 15 numbers at once; one in five rolls back."""
    workers, per_worker = 8, 15
    committed: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            start.wait()
            for i in range(per_worker):
                try:
                    with transaction.atomic():
                        number = number_next(store=store_bj, doc_type="RO",
                                             day=dt.date(2026, 11, 22))
                        if (worker + i) % 5 == 0:
                            raise LookupError("document failed")
                    with lock:
                        committed.append(number)
                except LookupError:
                    pass
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    values = sorted(int(n.rsplit("-", 1)[1]) for n in committed)
    assert len(values) == len(set(values)), "duplicate numbers"
    assert values == list(range(1, len(values) + 1)), "gap in the numbers"
    assert len(values) == workers * per_worker - sum(
        1 for w in range(workers) for i in range(per_worker) if (w + i) % 5 == 0)
    assert DocumentCounter.objects.get(store=store_bj, doc_type="RO").last_value == len(values)
