"""FN-7: the parts analysis (PT-13 … PT-16) and the parts KPIs (PT-17) in the report
catalogue, through the API, against hand-computed figures. The clock stands at
2026-11-22: the twelve months of ABC are Nov 2025 … Oct 2026, the six of MAD May … Oct."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from siwei.parts.models import Part
from siwei.parts.services import stock_issue

from .conftest import make_location

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
URL = "/api/v1/reports/{}/"


def at(clock, year, month, day):
    clock.set(dt.datetime(year, month, day, 10, 0, tzinfo=TZ))


@pytest.fixture
def stock(clock, group, supplier, store_bj, store_sh, shelf, stock_in):
    """BJ01: 100 OIL at 2.00 received on 1 April, 90 issued on 15 October (10 left).
    SH01: 10 PAD at 5.00 received on 1 June 2025, never issued (obsolete)."""
    oil = Part.objects.create(group=group, number="OIL", name="机油", default_supplier=supplier)
    pad = Part.objects.create(group=group, number="PAD", name="刹车片", default_supplier=supplier)
    at(clock, 2025, 6, 1)
    stock_in(store_sh, pad, 10, "5.00", make_location(store_sh, "S-01-1"))
    at(clock, 2026, 4, 1)
    stock_in(store_bj, oil, 100, "2.00", shelf)
    at(clock, 2026, 10, 15)
    stock_issue(actor=None, store=store_bj, part=oil, quantity=90,
                document_type="service.repairorder", document_id="1")
    at(clock, 2026, 11, 22)
    return {"oil": oil, "pad": pad}


def test_fn7_parts_analysis_suggestions_abc_and_dead_stock_per_store(api, staff, store_bj,
                                                                      store_sh, stock):
    manager = staff("parts_manager", store=store_bj)
    body = api(manager, store_bj).get(URL.format("parts-analysis")).json()
    # ABC: 90 × 2.00 = 180.00, all class A. MAD = 6 × 90 / 21 = 25.714; SSQ = MAD × 10 / 6
    # = 42.857; 42.857 + MAD × 10 / 30 − 10 on hand = 41.43 → 42.
    assert body["to"] == "2026-11-22"  # a balance at today's stock
    assert body["summary"] == {"suggestions": 1, "consumption_value": "180.00",
                               "class_a_parts": 1, "slow_value": "0.00",
                               "obsolete_value": "0.00"}
    tables = {t["key"]: t for t in body["tables"]}
    assert tables["suggestions"]["rows"] == [{
        "part_number": "OIL", "part_name": "机油", "mad": "25.714", "ssq": "42.857",
        "on_hand": "10.000", "reserved": "0.000", "on_order": "0.000", "suggested": "42.000",
        "supplier": "一汽-大众配件中心"}]
    assert tables["abc"]["rows"] == [{"part_number": "OIL", "part_name": "机油",
                                      "value": "180.00", "cumulative_share": "100.0",
                                      "abc": "A"}]
    sh = api(staff("parts_manager", store=store_sh), store_sh).get(
        URL.format("parts-analysis")).json()
    dead = next(t for t in sh["tables"] if t["key"] == "dead")
    # received 2025-06-01, never issued: 17 months → obsolete
    assert [(r["part_number"], r["months"], r["quantity"], r["value"]) for r in dead["rows"]] \
        == [("PAD", 17, "10.000", "50.00")]
    assert sh["summary"]["obsolete_value"] == "50.00"


def test_fn7_parts_kpis_turnover_and_days_of_stock(api, staff, store_bj, stock):
    manager = staff("parts_manager", store=store_bj)
    body = api(manager, store_bj).get(URL.format("parts-kpis")).json()
    # Stock value at the 12 month starts Dec … Nov and now: 0 × 5 (Dec … Apr), 200 × 6
    # (May … Oct), 20 (Nov 1), 20 (now) → 1240 / 13 = 95.38. Turnover 180 / 95.38 = 1.89;
    # days of stock 20 / (180 / 365) = 40.6 → 41.
    assert body["summary"]["stock_value"] == "20.00"
    assert body["summary"]["issue_cost_12m"] == "180.00"
    assert body["summary"]["turnover"] == "1.89"
    assert body["summary"]["days_of_stock"] == "41"
    assert body["summary"]["dead_value"] == "0.00"
    tables = {t["key"]: t for t in body["tables"]}
    kpis = [row["value"] for row in tables["kpis"]["rows"]]
    assert kpis[:5] == ["20.00", "180.00", "95.38", "1.89", "41"]
    assert tables["aging"]["rows"][0]["value"] == "20.00"  # 0–3 months since the last issue
    assert tables["months"]["rows"][-1] == {"month": "2026-10", "value": "180.00"}
    assert tables["months"]["totals"]["value"] == "180.00"


def test_fn7_parts_reports_side_by_side_and_permission(api, client, staff, store_bj, store_sh,
                                                       stock):
    admin = staff("group_admin", store=store_bj)
    client.force_login(admin)
    for key in ("parts-analysis", "parts-kpis"):  # the catalogue's page: tables and charts
        page = client.get(f"/reports/view/{key}/").content.decode()
        assert "OIL" in page or "180.00" in page
        assert "data-chart=" in page
    body = api(admin, store_bj).get(URL.format("parts-analysis"), {"store": "all"}).json()
    rows = {row["store"]: row for row in body["tables"][0]["rows"]}
    assert (rows["BJ01"]["suggestions"], rows["SH01"]["suggestions"]) == (1, 0)
    assert (rows["BJ01"]["obsolete_value"], rows["SH01"]["obsolete_value"]) == ("0.00", "50.00")
    assert body["tables"][0]["totals"]["obsolete_value"] == "50.00"
    kpis = api(admin, store_bj).get(URL.format("parts-kpis"), {"store": "all"}).json()
    assert kpis["tables"][0]["totals"]["stock_value"] == "70.00"  # 20.00 + 50.00
    clerk = staff("parts_clerk", store=store_bj)
    assert api(clerk, store_bj).get(URL.format("parts-analysis")).status_code == 403
    assert api(clerk, store_bj).get(URL.format("parts-kpis")).status_code == 403
