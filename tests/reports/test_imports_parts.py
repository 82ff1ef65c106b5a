"""FN-9 import of parts and prices and of opening stock (PT-1, PT-4 … PT-6): the dry run
lists every bad row with its number, column and reason and writes nothing; all or nothing
refuses the whole file; the good rows only are written on request; opening stock goes
through the stock ledger so that the balances equal the sum of the moves."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from siwei.core.models import AuditEvent
from siwei.parts.models import MoveKind, Part, PartStore, StockBalance, StockMove
from siwei.parts.selectors import ledger_differences, part_store_differences
from siwei.reports.imports.services import import_job_confirm, import_job_create
from siwei.reports.models import ImportStatus

from .imports_helpers import catalog, csv_upload, errors_of, locations, media, xlsx_upload

pytestmark = pytest.mark.django_db
__all__ = ["catalog", "locations", "media"]  # fixtures

PRICE_HEADERS = ["配件编号 Part number *", "配件名称 Name", "采购价 Purchase cost",
                 "零售价 Retail price"]
PRICE_ROWS = [
    ["06L115562B", "", "46.50", "92.00"],          # row 2: price update of an existing part
    ["1K0615301AA", "前刹车盘", "210", "380"],        # row 3: a new part
    ["5Q0698151A", "", "330", "-5"],                # row 4: negative retail price
    ["3C0129620", "", "35", "66"],                  # row 5: new part without a name
    ["04E115561H", "机油滤清器(新款)", 48, 95.5],      # row 6: a new part, numbers as numbers
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def manager(staff, store_bj):
    return staff("parts_manager", store=store_bj)


def _prices():
    return dict(Part.objects.values_list("number", "list_price"))


def test_fn9_price_list_dry_run_shows_exactly_the_two_bad_rows_and_writes_nothing(
        manager, store_bj, catalog, media, clock):
    before = _prices()
    job = import_job_create(actor=manager, store=store_bj, kind="parts", mode="dry_run",
                            file=xlsx_upload(PRICE_HEADERS, PRICE_ROWS, "价格表.xlsx"))
    assert job.status == ImportStatus.CHECKED
    assert (job.total_rows, job.good_rows, job.bad_rows) == (5, 3, 2)
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [
        (4, "list_price", "The price cannot be negative."),
        (5, "name", "3C0129620 is a new part: enter its name."),
    ]
    assert job.errors[0]["label"] == "零售价 Retail price"
    assert _prices() == before  # nothing written: no new part, no price changed
    assert not AuditEvent.objects.filter(action__startswith="parts.").exists()


def test_fn9_all_or_nothing_with_bad_rows_is_refused_and_writes_nothing(
        manager, store_bj, catalog, media, clock):
    before = _prices()
    job = import_job_create(actor=manager, store=store_bj, kind="parts",
                            mode="all_or_nothing", file=xlsx_upload(PRICE_HEADERS, PRICE_ROWS))
    assert job.status == ImportStatus.REFUSED
    assert errors_of(job) == [(4, "list_price"), (5, "name")]
    assert job.written_rows == 0
    assert _prices() == before
    assert not AuditEvent.objects.filter(action="reports.import").exists()


def test_fn9_good_rows_only_writes_the_rest_and_audits_the_counts(
        manager, store_bj, catalog, media, clock):
    job = import_job_create(actor=manager, store=store_bj, kind="parts", mode="dry_run",
                            file=xlsx_upload(PRICE_HEADERS, PRICE_ROWS))
    job = import_job_confirm(actor=manager, job=job, mode="good_rows_only")
    assert job.status == ImportStatus.DONE
    assert (job.written_rows, job.created_count, job.updated_count) == (3, 2, 1)
    assert errors_of(job) == [(4, "list_price"), (5, "name")]  # still listed as skipped
    prices = _prices()
    assert prices["06L115562B"] == Decimal("92.00")
    assert Part.objects.get(number="06L115562B").cost == Decimal("46.50")
    assert prices["1K0615301AA"] == Decimal("380.00")
    assert prices["04E115561H"] == Decimal("95.50")
    assert prices["5Q0698151A"] == Decimal("560.00")  # the bad row kept its price
    assert "3C0129620" not in prices
    event = AuditEvent.objects.get(action="reports.import")
    assert event.after["created"] == 2 and event.after["updated"] == 1
    assert event.after["skipped"] == 2 and event.after["rows"] == 5
    # The price change itself is audited by the parts service, before and after.
    update = AuditEvent.objects.get(action="parts.part_update")
    assert update.before["list_price"] == "88.00" and update.after["list_price"] == "92.00"


def test_fn9_all_or_nothing_writes_a_clean_file_in_one_go(manager, store_bj, catalog, media,
                                                          clock):
    rows = [PRICE_ROWS[0], PRICE_ROWS[1], PRICE_ROWS[4]]
    job = import_job_create(actor=manager, store=store_bj, kind="parts",
                            mode="all_or_nothing", file=xlsx_upload(PRICE_HEADERS, rows))
    assert job.status == ImportStatus.DONE and job.errors == []
    assert job.written_rows == 3


def test_fn9_duplicate_part_number_inside_the_file_names_the_first_row(
        manager, store_bj, catalog, media, clock):
    rows = [["N90813202", "螺栓", "1", "2"], ["n90813202", "螺栓", "1", "3"]]
    job = import_job_create(actor=manager, store=store_bj, kind="parts", mode="dry_run",
                            file=xlsx_upload(PRICE_HEADERS, rows))
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [
        (3, "number", "Same as row 2 of this file.")]


def test_fn9_missing_required_column_refuses_every_row(manager, store_bj, media, clock):
    job = import_job_create(actor=manager, store=store_bj, kind="parts", mode="dry_run",
                            file=csv_upload(["配件名称 Name", "零售价"], [["螺栓", "2"]]))
    assert job.good_rows == 0
    assert errors_of(job) == [(1, "number")]
    assert "is missing" in job.errors[0]["message"]


# --- opening stock (PT-4: through the ledger) ------------------------------------------------

STOCK_HEADERS = ["配件编号 Part number", "库位 Location", "数量 Quantity", "单位成本 Unit cost",
                 "批次号 Batch", "入库日期 Inbound date"]


def test_fn9_opening_stock_goes_through_the_ledger(manager, store_bj, catalog, locations,
                                                   media, clock):
    rows = [
        ["06L115562B", "A-01-1", 10, "40.00", "", "2026-10-31"],
        ["06L115562B", "A-02-1", 5, "", "", ""],            # unit cost: the part's cost
        ["5Q0698151A", "a-01-1", 4, "300", "B2026-07", ""],  # key part with its batch
    ]
    job = import_job_create(actor=manager, store=store_bj, kind="stock",
                            mode="all_or_nothing", file=xlsx_upload(STOCK_HEADERS, rows))
    assert job.status == ImportStatus.DONE, job.errors
    assert job.created_count == 3
    moves = StockMove.objects.filter(store=store_bj)
    assert moves.count() == 3
    assert set(moves.values_list("kind", flat=True)) == {MoveKind.RECEIPT}
    assert set(moves.values_list("document_type", flat=True)) == {"reports.importjob"}
    assert sorted(moves.values_list("document_line_id", flat=True)) == ["2", "3", "4"]
    # 账物一致: every balance equals the sum of its moves, and the store totals agree.
    assert ledger_differences(store=store_bj) == []
    assert part_store_differences(store=store_bj) == []
    oil = PartStore.objects.get(store=store_bj, part=catalog["oil"])
    assert oil.on_hand == Decimal("15.000")
    # Moving average of 10 × 40.00 and 5 × 45.00 (the part's cost).
    assert oil.average_cost == Decimal("41.67")
    lot = StockBalance.objects.get(part=catalog["pads"]).lot
    assert (lot.batch, lot.unit_cost) == ("B2026-07", Decimal("300.00"))
    assert StockBalance.objects.filter(part=catalog["oil"], lot__inbound_date="2026-10-31"
                                       ).get().quantity == Decimal("10.000")


def test_fn9_opening_stock_bad_rows_unknown_part_location_batch_quantity(
        manager, store_bj, catalog, locations, media, clock):
    rows = [
        ["XX-UNKNOWN", "A-01-1", 1, "1", "", ""],   # row 2
        ["06L115562B", "Z-09-9", 1, "1", "", ""],   # row 3
        ["5Q0698151A", "A-01-1", 2, "300", "", ""],  # row 4: key part without batch
        ["06L115562B", "A-01-1", 0, "1", "", ""],   # row 5
        ["06L115562B", "A-02-1", "三", "1", "", ""],  # row 6
        ["06L115562B", "A-02-1", 1, "1", "", "2027-01-01"],  # row 7: future date
    ]
    job = import_job_create(actor=manager, store=store_bj, kind="stock", mode="dry_run",
                            file=xlsx_upload(STOCK_HEADERS, rows))
    assert errors_of(job) == [(2, "part_number"), (3, "location"), (4, "batch"),
                              (5, "quantity"), (6, "quantity"), (7, "inbound_date")]
    messages = [e["message"] for e in job.errors]
    assert messages[0] == "Unknown part XX-UNKNOWN: import it with the parts first."
    assert messages[1] == "Unknown location Z-09-9 in this store."
    assert "key/safety part" in messages[2]
    assert not StockMove.objects.exists() and not StockBalance.objects.exists()
