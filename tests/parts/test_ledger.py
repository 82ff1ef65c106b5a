"""Stock ledger: moves, balances, never negative, FIFO lots, reservations, issue and
return (PT-4 … PT-6, PT-8 average cost, PT-9, PT-10)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction

from siwei.core.errors import DomainError
from siwei.core.models import AuditEvent
from siwei.parts.models import (
    LocationKind,
    MoveKind,
    PartStore,
    RequestStatus,
    ReservationStatus,
    StockBalance,
    StockMove,
)
from siwei.parts.selectors import batch_trace
from siwei.parts.selectors.analysis import fill_rate
from siwei.parts.services import (
    issued_quantity,
    reservation_release,
    stock_issue,
    stock_move_reverse,
    stock_request_create,
    stock_request_issue,
    stock_reserve,
    stock_return,
)

from .conftest import assert_ledger_matches, make_location

pytestmark = pytest.mark.django_db
RO = {"document_type": "service.repairorder", "document_id": "101", "document_line_id": "1"}
RO2 = {"document_type": "service.repairorder", "document_id": "102", "document_line_id": "7"}


def ps_of(store, part) -> PartStore:
    return PartStore.objects.get(store=store, part=part)


def test_pt4_receipt_issue_return_keep_balance_equal_to_moves(store_bj, part, shelf, stock_in,
                                                              clock):
    stock_in(store_bj, part, 10, "40.00", shelf)
    stock_issue(actor=None, store=store_bj, part=part, quantity=4, **RO)
    stock_return(actor=None, store=store_bj, part=part, quantity=1, **RO)
    assert ps_of(store_bj, part).on_hand == Decimal("7.000")
    assert StockBalance.objects.get(part=part).quantity == Decimal("7.000")
    kinds = sorted(StockMove.objects.filter(part=part).values_list("kind", flat=True))
    assert kinds == ["issue", "receipt", "return"]
    assert_ledger_matches(store_bj)


def test_pt4_moves_are_append_only_and_corrected_by_reversal(staff, store_bj, part, shelf,
                                                             stock_in, clock):
    stock_in(store_bj, part, 5, "40.00", shelf)
    move = StockMove.objects.get(kind=MoveKind.RECEIPT)
    move.quantity = Decimal("50")
    with pytest.raises(ValueError, match="append-only"):
        move.save()
    with pytest.raises(ValueError, match="append-only"):
        move.delete()
    manager = staff("parts_manager", store=store_bj)
    reversal = stock_move_reverse(actor=manager, move=StockMove.objects.get(pk=move.pk),
                                  reason="wrong part received")
    assert reversal.quantity == Decimal("-5.000") and reversal.kind == MoveKind.REVERSAL
    assert ps_of(store_bj, part).on_hand == 0
    with pytest.raises(DomainError) as again:
        stock_move_reverse(actor=manager, move=move, reason="twice")
    assert again.value.code == "already_reversed"
    assert_ledger_matches(store_bj)


def test_pt5_issue_beyond_on_hand_is_refused_and_writes_nothing(store_bj, part, shelf,
                                                                stock_in, clock):
    stock_in(store_bj, part, 3, "40.00", shelf)
    with pytest.raises(DomainError) as exc:
        stock_issue(actor=None, store=store_bj, part=part, quantity=4, **RO)
    assert exc.value.code == "insufficient_stock"
    assert exc.value.extra["available"] == "3.000"
    assert StockMove.objects.filter(kind=MoveKind.ISSUE).count() == 0
    assert ps_of(store_bj, part).on_hand == Decimal("3.000")


def test_pt5_database_refuses_a_negative_balance(store_bj, part, shelf, stock_in, clock):
    stock_in(store_bj, part, 1, "40.00", shelf)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBalance.objects.filter(part=part).update(quantity=Decimal("-1"))


def test_pt6_issue_takes_the_oldest_lot_first_across_locations(store_bj, part, shelf, shelf2,
                                                               stock_in, clock):
    stock_in(store_bj, part, 2, "40.00", shelf2)  # oldest lot, on the second shelf
    clock.advance(days=3)
    stock_in(store_bj, part, 5, "50.00", shelf)
    moves = stock_issue(actor=None, store=store_bj, part=part, quantity=3, **RO)
    assert [(m.location.code, m.quantity, m.unit_cost) for m in moves] == [
        ("A-02-1", Decimal("-2.000"), Decimal("40.00")),
        ("A-01-1", Decimal("-1.000"), Decimal("50.00")),
    ]
    assert_ledger_matches(store_bj)


def test_pt6_key_part_needs_a_batch_and_the_batch_traces_to_the_repair_order(
        store_bj, key_part, shelf, stock_in, clock):
    with pytest.raises(ValidationError) as exc:
        stock_in(store_bj, key_part, 4, "300.00", shelf, batch="")
    assert "batch" in exc.value.message_dict
    stock_in(store_bj, key_part, 4, "300.00", shelf, batch="B2026-11")
    clock.advance(days=1)
    stock_in(store_bj, key_part, 4, "310.00", shelf, batch="B2026-12")
    stock_issue(actor=None, store=store_bj, part=key_part, quantity=2, **RO)
    stock_issue(actor=None, store=store_bj, part=key_part, quantity=1, batch="B2026-12", **RO2)
    trace = batch_trace(stores=[store_bj], batch="B2026-11")
    issued_to = {(m.document_type, m.document_id) for m in trace if m.kind == MoveKind.ISSUE}
    assert issued_to == {("service.repairorder", "101")}
    later = batch_trace(stores=[store_bj], batch="B2026-12")
    assert {m.document_id for m in later if m.kind == MoveKind.ISSUE} == {"102"}


def test_pt8_receipt_updates_the_moving_average_cost(store_bj, part, shelf, stock_in, clock):
    stock_in(store_bj, part, 10, "40.00", shelf)
    assert ps_of(store_bj, part).average_cost == Decimal("40.00")
    stock_issue(actor=None, store=store_bj, part=part, quantity=4, **RO)
    stock_in(store_bj, part, 4, "50.00", shelf)
    # (6 × 40 + 4 × 50) / 10 = 44
    assert ps_of(store_bj, part).average_cost == Decimal("44.00")
    assert AuditEvent.objects.filter(action="parts.average_cost").count() == 2


def test_pt9_reservation_lowers_available_not_on_hand(store_bj, part, shelf, stock_in, clock):
    stock_in(store_bj, part, 5, "40.00", shelf)
    stock_reserve(actor=None, store=store_bj, part=part, quantity=3, **RO)
    row = ps_of(store_bj, part)
    assert (row.on_hand, row.reserved, row.available) == (5, 3, 2)
    with pytest.raises(DomainError) as exc:  # another RO may not take the reserved units
        stock_issue(actor=None, store=store_bj, part=part, quantity=3, **RO2)
    assert exc.value.code == "insufficient_stock"
    with pytest.raises(DomainError):
        stock_reserve(actor=None, store=store_bj, part=part, quantity=3, **RO2)
    # The reserving line can take its reservation plus what is free.
    stock_issue(actor=None, store=store_bj, part=part, quantity=4, **RO)
    row = ps_of(store_bj, part)
    assert (row.on_hand, row.reserved) == (1, 0)
    assert row_status(store_bj) == [ReservationStatus.CONSUMED]


def row_status(store):
    from siwei.parts.models import Reservation

    return list(Reservation.objects.filter(store=store).values_list("status", flat=True))


def test_pt9_cancelled_appointment_releases_its_reservation(store_bj, part, shelf, stock_in,
                                                           clock):
    stock_in(store_bj, part, 5, "40.00", shelf)
    appointment = {"document_type": "service.appointment", "document_id": "9"}
    stock_reserve(actor=None, store=store_bj, part=part, quantity=2, **appointment)
    released = reservation_release(actor=None, store=store_bj, **appointment,
                                   reason="no-show")
    assert [r.status for r in released] == [ReservationStatus.RELEASED]
    assert ps_of(store_bj, part).reserved == 0
    stock_issue(actor=None, store=store_bj, part=part, quantity=5, **RO2)


def test_pt9_appointment_parts_go_to_the_reserve_shelf(store_bj, part, shelf, stock_in, clock):
    reserve = make_location(store_bj, "R-01-1", LocationKind.RESERVE)
    stock_in(store_bj, part, 5, "40.00", shelf)
    reservation = stock_reserve(actor=None, store=store_bj, part=part, quantity=2,
                                document_type="service.appointment", document_id="3",
                                to_reserve_shelf=True)
    assert reservation.location == reserve
    assert StockBalance.objects.get(location=reserve).quantity == 2
    assert ps_of(store_bj, part).on_hand == 5  # relocation does not change on hand
    moves = stock_issue(actor=None, store=store_bj, part=part, quantity=2,
                        document_type="service.appointment", document_id="3")
    assert {m.location_id for m in moves} == {reserve.pk}
    assert_ledger_matches(store_bj)


def test_pt10_return_only_what_the_line_got_back_into_its_lot(store_bj, part, shelf, shelf2,
                                                              stock_in, clock):
    stock_in(store_bj, part, 2, "40.00", shelf)
    clock.advance(days=1)
    stock_in(store_bj, part, 2, "60.00", shelf2)
    stock_issue(actor=None, store=store_bj, part=part, quantity=3, **RO)
    assert issued_quantity(**RO) == Decimal("3.000")
    with pytest.raises(DomainError) as exc:
        stock_return(actor=None, store=store_bj, part=part, quantity=4, **RO)
    assert exc.value.code == "return_exceeds_issue"
    with pytest.raises(DomainError):  # nothing was issued to another line
        stock_return(actor=None, store=store_bj, part=part, quantity=1, **RO2)
    moves = stock_return(actor=None, store=store_bj, part=part, quantity=1, **RO)
    assert [(m.location.code, m.unit_cost) for m in moves] == [("A-02-1", Decimal("60.00"))]
    assert issued_quantity(**RO) == Decimal("2.000")
    assert_ledger_matches(store_bj)


def test_pt10_fill_rate_counts_requests_fully_issued_at_first_request(store_bj, part, shelf,
                                                                      stock_in, clock):
    stock_in(store_bj, part, 3, "40.00", shelf)
    full = stock_request_create(actor=None, store=store_bj, part=part, quantity=2, **RO)
    short = stock_request_create(actor=None, store=store_bj, part=part, quantity=5, **RO2)
    stock_request_issue(actor=None, request=full)
    stock_request_issue(actor=None, request=short)  # only 1 left
    full.refresh_from_db()
    short.refresh_from_db()
    assert (full.status, full.first_fill) == (RequestStatus.ISSUED, True)
    assert (short.status, short.issued, short.first_fill) == (
        RequestStatus.PARTLY_ISSUED, Decimal("1.000"), False)
    with pytest.raises(DomainError) as exc:
        stock_request_issue(actor=None, request=short)
    assert exc.value.code == "insufficient_stock"
    assert fill_rate(store=store_bj) == Decimal("50.0")


def test_pt10_issue_needs_the_issue_permission(staff, store_bj, part, shelf, stock_in, clock):
    stock_in(store_bj, part, 3, "40.00", shelf)
    technician = staff("technician", store=store_bj)
    clerk = staff("parts_clerk", store=store_bj)
    with pytest.raises(PermissionDenied):
        stock_issue(actor=technician, store=store_bj, part=part, quantity=1, **RO)
    request = stock_request_create(actor=technician, store=store_bj, part=part, quantity=1,
                                   **RO)
    moves = stock_request_issue(actor=clerk, request=request)
    assert moves[0].user == clerk
    assert AuditEvent.objects.filter(action="parts.issue", actor=clerk).exists()


def test_pt5_bad_quantities_are_validation_errors(store_bj, part, shelf, stock_in, clock):
    stock_in(store_bj, part, 3, "40.00", shelf)
    for bad in (0, -1, "abc"):
        with pytest.raises(ValidationError):
            stock_issue(actor=None, store=store_bj, part=part, quantity=bad, **RO)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pt5_parallel_clerks_issue_the_last_units_exactly_once(store_bj, part, shelf,
                                                               stock_in):
    """Ten connections try to issue 1 unit each of the 4 on hand at the same moment."""
    stock_in(store_bj, part, 4, "40.00", shelf)
    workers = 10
    start = threading.Barrier(workers)
    outcomes: list[str] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            start.wait()
            try:
                stock_issue(actor=None, store=store_bj, part=part, quantity=1,
                            document_type="service.repairorder", document_id=str(500 + i))
                result = "issued"
            except DomainError as exc:
                result = exc.code
            with lock:
                outcomes.append(result)
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert outcomes.count("issued") == 4
    assert outcomes.count("insufficient_stock") == workers - 4
    assert ps_of(store_bj, part).on_hand == 0
    assert StockBalance.objects.get(part=part).quantity == 0
    assert_ledger_matches(store_bj)
