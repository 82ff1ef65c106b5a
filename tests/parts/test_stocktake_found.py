"""PT-12: a part found on a frozen location that is not on the count sheet gets a line of
its own (system quantity zero); approval posts its variance as a new lot."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from siwei.core.errors import DomainError
from siwei.core.models import AuditEvent
from siwei.parts.models import MoveKind, PartStore, StockMove, StocktakeLine, StocktakeStatus
from siwei.parts.selectors.analysis import stocktake_accuracy
from siwei.parts.services import (
    stock_issue,
    stocktake_add_line,
    stocktake_approve,
    stocktake_cancel,
    stocktake_count,
    stocktake_create,
    stocktake_submit,
)
from tests.factories import DealerGroupFactory

from .conftest import assert_ledger_matches, make_location

pytestmark = pytest.mark.django_db


@pytest.fixture
def counting(store_bj, part, shelf, stock_in, clock):
    stock_in(store_bj, part, 4, "40.00", shelf)
    return stocktake_create(actor=None, store=store_bj, locations=[shelf])


def count_all(stocktake):
    stocktake_count(actor=None, stocktake=stocktake, counts={
        line.pk: line.counted_quantity if line.counted_quantity is not None
        else line.system_quantity for line in stocktake.lines.all()})


def test_pt12_found_part_is_posted_on_approval_as_a_new_lot(staff, store_bj, group, part,
                                                           shelf, counting, clock):
    from siwei.parts.models import Part

    stray = Part.objects.create(group=group, number="N90", name="火花塞", cost=Decimal("25"))
    clerk = staff("parts_clerk", store=store_bj)
    line = stocktake_add_line(actor=clerk, stocktake=counting, part=stray, location=shelf,
                              counted_quantity="3")
    assert (line.is_found, line.system_quantity, line.counted_quantity, line.variance,
            line.lot) == (True, 0, 3, 3, None)
    assert line.unit_cost == Decimal("25.00")  # never stocked here: purchase cost
    assert AuditEvent.objects.filter(action="parts.stocktake_found").exists()
    count_all(counting)
    stocktake_submit(actor=clerk, stocktake=counting)
    stocktake_approve(actor=staff("parts_manager", store=store_bj), stocktake=counting)
    line.refresh_from_db()
    move = StockMove.objects.get(part=stray)
    assert (move.kind, move.quantity, move.location, move.lot) == (
        MoveKind.ADJUSTMENT, Decimal("3.000"), shelf, line.lot)
    assert line.lot.inbound_date == clock.today() and line.lot.unit_cost == Decimal("25.00")
    ps = PartStore.objects.get(store=store_bj, part=stray)
    assert (ps.on_hand, ps.average_cost) == (3, Decimal("25.00"))
    assert_ledger_matches(store_bj)
    issued = stock_issue(actor=None, store=store_bj, part=stray, quantity=2,
                         document_type="service.repairorder", document_id="RO-1")
    assert issued[0].lot == line.lot  # now ordinary stock, issued FIFO


def test_pt12_found_part_is_valued_at_the_moving_average_and_keeps_it(
        store_bj, part, shelf, shelf2, stock_in, clock):
    stock_in(store_bj, part, 2, "40.00", shelf2)  # elsewhere in the store
    stock_in(store_bj, part, 2, "50.00", shelf2)
    other = make_location(store_bj, "A-05-1")
    stock_in(store_bj, part, 1, "45.00", other)
    stocktake = stocktake_create(actor=None, store=store_bj, locations=[other])
    with pytest.raises(ValidationError) as exc:  # already on the sheet at A-05-1
        stocktake_add_line(actor=None, stocktake=stocktake, part=part, location=other,
                           counted_quantity="1")
    assert set(exc.value.message_dict) == {"part"}
    empty = make_location(store_bj, "A-06-1")
    stocktake_cancel(actor=None, stocktake=stocktake)
    stocktake = stocktake_create(actor=None, store=store_bj, locations=[other, empty])
    line = stocktake_add_line(actor=None, stocktake=stocktake, part=part, location=empty,
                              counted_quantity="2")
    assert line.unit_cost == Decimal("45.00")  # (80 + 100 + 45) / 5
    count_all(stocktake)
    stocktake_submit(actor=None, stocktake=stocktake)
    stocktake_approve(actor=None, stocktake=stocktake)
    ps = PartStore.objects.get(part=part)
    assert (ps.on_hand, ps.average_cost) == (7, Decimal("45.00"))
    assert_ledger_matches(store_bj)


def test_pt12_found_lines_are_refused_where_they_do_not_belong(staff, store_bj, store_sh,
                                                              group, part, key_part, shelf,
                                                              shelf2, counting):
    with pytest.raises(PermissionDenied):
        stocktake_add_line(actor=staff("technician", store=store_bj), stocktake=counting,
                           part=key_part, location=shelf, counted_quantity="1", batch="B1")
    with pytest.raises(ValidationError) as exc:  # not frozen by this stocktake
        stocktake_add_line(actor=None, stocktake=counting, part=key_part, location=shelf2,
                           counted_quantity="1", batch="B1")
    assert set(exc.value.message_dict) == {"location"}
    with pytest.raises(ValidationError) as exc:
        stocktake_add_line(actor=None, stocktake=counting, part=key_part,
                           location=make_location(store_sh, "S-01-1"), counted_quantity="1",
                           batch="B1")
    assert set(exc.value.message_dict) == {"location"}
    with pytest.raises(ValidationError) as exc:  # key/safety parts need their batch
        stocktake_add_line(actor=None, stocktake=counting, part=key_part, location=shelf,
                           counted_quantity="1")
    assert set(exc.value.message_dict) == {"batch"}
    for bad in ("", "-1", "abc"):
        with pytest.raises(ValidationError) as exc:
            stocktake_add_line(actor=None, stocktake=counting, part=key_part, location=shelf,
                               counted_quantity=bad, batch="B1")
        assert set(exc.value.message_dict) == {"counted_quantity"}, bad
    from siwei.parts.models import Part

    foreign = Part.objects.create(group=DealerGroupFactory(code="OTHER", name="另一集团"),
                                  number="F1", name="外部件")
    with pytest.raises(ValidationError) as exc:
        stocktake_add_line(actor=None, stocktake=counting, part=foreign, location=shelf,
                           counted_quantity="1")
    assert set(exc.value.message_dict) == {"part"}
    stocktake_add_line(actor=None, stocktake=counting, part=key_part, location=shelf,
                       counted_quantity="1", batch="B1")
    stocktake_add_line(actor=None, stocktake=counting, part=key_part, location=shelf,
                       counted_quantity="1", batch="B2")  # another batch: its own line
    with pytest.raises(ValidationError):
        stocktake_add_line(actor=None, stocktake=counting, part=key_part, location=shelf,
                           counted_quantity="1", batch="B1")
    count_all(counting)
    stocktake_submit(actor=None, stocktake=counting)
    with pytest.raises(DomainError) as exc:  # only while counting
        stocktake_add_line(actor=None, stocktake=counting, part=key_part, location=shelf,
                           counted_quantity="1", batch="B3")
    assert exc.value.code == "invalid_transition"


def test_pt12_found_line_counted_zero_posts_nothing_and_cancel_leaves_no_lot(
        store_bj, group, part, shelf, counting):
    from siwei.parts.models import Lot, Part

    stray = Part.objects.create(group=group, number="N91", name="雨刮片", cost=Decimal("30"))
    line = stocktake_add_line(actor=None, stocktake=counting, part=stray, location=shelf,
                              counted_quantity="2")
    stocktake_count(actor=None, stocktake=counting, counts={line.pk: "0"})  # a mistake
    lots = Lot.objects.count()
    count_all(counting)
    stocktake_submit(actor=None, stocktake=counting)
    stocktake_approve(actor=None, stocktake=counting)
    assert not StockMove.objects.filter(part=stray).exists() and Lot.objects.count() == lots
    assert stocktake_accuracy(store=store_bj) == Decimal("100.0")  # the slip is not counted


def test_pt12_counter_adds_a_found_part_on_the_page(staff, store_bj, key_part, shelf,
                                                    counting):
    clerk = staff("parts_clerk", store=store_bj)
    client = Client()
    client.force_login(clerk)
    url = f"/parts/stocktakes/{counting.pk}/"
    page = client.get(url).content.decode()
    assert 'id="found-part"' in page and f'<option value="{shelf.pk}">' in page
    refused = client.post(url, {"action": "found", "part": key_part.number,
                                "location": shelf.pk, "counted_quantity": "2"})
    assert refused.status_code == 200 and "invalid-feedback" in refused.content.decode()
    unknown = client.post(url, {"action": "found", "part": "NOPE", "location": shelf.pk,
                                "counted_quantity": "2"})
    assert unknown.status_code == 200 and "NOPE" in unknown.content.decode()
    book = counting.lines.get()
    added = client.post(url, {"action": "found", "part": key_part.number.lower(),
                              "location": shelf.pk, "counted_quantity": "2", "batch": "B7",
                              f"count_{book.pk}": "3"})  # typed on the sheet: kept
    assert added.status_code == 302
    book.refresh_from_db()
    assert book.counted_quantity == 3
    line = StocktakeLine.objects.get(stocktake=counting, is_found=True)
    assert (line.part, line.batch, line.counted_quantity) == (key_part, "B7", 2)
    sheet = client.get(url).content.decode()
    assert "B7" in sheet and key_part.number in sheet
    download = client.get(url, {"format": "xlsx"})
    assert download.status_code == 200
    client.post(url, {"action": "count", **{f"count_{li.pk}": li.system_quantity
                                             for li in counting.lines.filter(is_found=False)}})
    client.post(url, {"action": "submit"})
    counting.refresh_from_db()
    assert counting.status == StocktakeStatus.REVIEW
    assert 'id="found-part"' not in client.get(url).content.decode()  # only while counting
