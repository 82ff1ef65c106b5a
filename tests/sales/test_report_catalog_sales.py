"""FN-7: the sales reports in the report catalogue, through the API, with figures counted by
hand: 三表一卡 target vs actual (CS-12), showroom statistics (CS-9), lost-lead analysis
(CS-8), consultant performance (CS-20) and the vehicle stock balance (CS-14)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from siwei.crm.services import (
    customer_create,
    lead_approve_loss,
    lead_create,
    lead_request_loss,
    showroom_visit_log,
)
from siwei.sales.reports import person_name
from siwei.sales.services import stock_vehicle_create
from siwei.sales.services.targets import target_set
from tests.sales_factories import make_model, make_vin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("store_sh")]

SH = ZoneInfo("Asia/Shanghai")
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-22"}


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=SH)


def report(client, key: str, **params):
    return client.get(f"/api/v1/reports/{key}/", {**NOVEMBER, **params})


def table(body: dict, key: str) -> dict:
    return next(t for t in body["tables"] if t["key"] == key)


def group_view(api, staff, store_bj, key: str) -> dict:
    """The report with the stores side by side for a group user (both stores)."""
    admin = staff("group_admin", store=store_bj)
    response = report(api(admin, store_bj), key, store="all")
    assert response.status_code == 200
    return response.json()


def test_cs12_target_vs_actual_per_consultant_and_store(api, team, staff, store_bj, clock):
    a = team.consultant
    target_set(actor=team.manager, store=store_bj, month=dt.date(2026, 11, 1), consultant=a,
               visits=4)
    target_set(actor=team.manager, store=store_bj, month=dt.date(2026, 11, 1), visits=10)
    for when, by in ((at(3), a), (at(4), a), (at(5), None)):  # one walk-in nobody took
        showroom_visit_log(actor=team.manager, store=store_bj, kind="walk_in", time_in=when,
                           consultant=by)
    body = report(api(team.manager, store_bj), "sales-targets").json()
    assert body["summary"]["visits"] == 3 and body["summary"]["deliveries"] == 0
    assert body["summary"]["accessory_revenue"] == "0.00"
    sheet = table(body, "targets")
    row = next(r for r in sheet["rows"] if r["name"] == person_name(a))
    assert (row["visits_target"], row["visits_actual"], row["visits_achieved"]) == (4, 2, "50.0")
    assert (sheet["totals"]["visits_target"], sheet["totals"]["visits_actual"],
            sheet["totals"]["visits_achieved"]) == (10, 3, "30.0")
    # A consultant gets their own row only (and the store total), as on the control sheet.
    other = staff("sales_consultant", store=store_bj)
    mine = table(report(api(other, store_bj), "sales-targets").json(), "targets")
    assert [r["name"] for r in mine["rows"]] == [person_name(other)]
    assert mine["totals"]["visits_actual"] == 3
    side = group_view(api, staff, store_bj, "sales-targets")
    assert [r["store"] for r in table(side, "stores")["rows"]] == ["BJ01", "SH01"]
    assert side["summary"]["visits"] == 3
    receptionist = staff("receptionist", store=store_bj)
    assert report(api(receptionist, store_bj), "sales-targets").status_code == 403


def test_cs9_showroom_statistics_per_day_and_in_total(api, team, staff, store_bj, clock):
    log = staff("receptionist", store=store_bj)
    showroom_visit_log(actor=log, store=store_bj, kind="walk_in", time_in=at(3),
                       visitor_mobile="13900000001")
    showroom_visit_log(actor=log, store=store_bj, kind="walk_in", time_in=at(3, 11))
    showroom_visit_log(actor=log, store=store_bj, kind="call", time_in=at(3, 12))
    body = report(api(team.manager, store_bj), "showroom-statistics", to="2026-11-03").json()
    assert body["summary"] == {
        "walk_ins": 2, "calls": 1, "first_visits": 2, "first_with_info": 1,
        "info_left_rate": "50.0", "test_drives": 0, "test_drive_rate": "0.0", "orders": 0,
        "conversion_rate": "0.0"}
    days = table(body, "days")
    assert [r["day"] for r in days["rows"]] == ["2026-11-01", "2026-11-02", "2026-11-03"]
    assert days["rows"][2]["walk_ins"] == 2 and days["rows"][0]["info_left_rate"] is None
    assert days["totals"]["calls"] == 1
    side = group_view(api, staff, store_bj, "showroom-statistics")
    rows = {r["store"]: r for r in table(side, "stores")["rows"]}
    assert (rows["BJ01"]["walk_ins"], rows["SH01"]["walk_ins"]) == (2, 0)
    technician = staff("technician", store=store_bj)
    assert report(api(technician, store_bj), "showroom-statistics").status_code == 403


@pytest.fixture
def leads(team, store_bj, clock):
    """Consultant A opens three leads on the 2nd; two are lost on the 10th (price,
    unreachable), one stays open."""
    a = team.consultant
    clock.set(at(2))
    opened = [lead_create(actor=a, store=store_bj, source="walk_in", grade="B",
                          customer=customer_create(actor=a, store=store_bj, name=f"客户{i}",
                                                   mobile=f"1380000000{i}"))
              for i in range(3)]
    clock.set(at(10))
    for lead, reason in zip(opened[1:], ("price", "unreachable"), strict=True):
        lead_request_loss(actor=a, lead=lead, reason=reason)
        lead_approve_loss(actor=team.manager, lead=lead)
    clock.set(at(22, 9))
    return opened


def test_cs8_lost_leads_by_reason_and_consultant(api, team, staff, store_bj, leads):
    body = report(api(team.manager, store_bj), "lost-leads").json()
    assert body["summary"]["total"] == 2
    assert (body["summary"]["price"], body["summary"]["unreachable"]) == (1, 1)
    reasons = {r["reason"]: r["n"] for r in table(body, "reasons")["rows"]}
    assert sum(reasons.values()) == 2 and table(body, "reasons")["totals"]["n"] == 2
    by_consultant = table(body, "consultants")["rows"]
    assert [(r["consultant"], r["price"], r["unreachable"], r["total"])
            for r in by_consultant] == [(person_name(team.consultant), 1, 1, 2)]
    lost = table(body, "leads")["rows"]
    assert sorted(r["customer"] for r in lost) == ["客户1", "客户2"]
    assert {r["closed"] for r in lost} == {"2026-11-10"}
    side = group_view(api, staff, store_bj, "lost-leads")
    assert [r["total"] for r in table(side, "stores")["rows"]] == [2, 0]
    assert report(api(team.consultant, store_bj), "lost-leads").status_code == 403


def test_cs20_consultant_performance(api, team, staff, store_bj, leads):
    body = report(api(team.manager, store_bj), "consultant-performance").json()
    assert {k: body["summary"][k] for k in ("new_leads", "leads_kept", "lost_total",
                                            "deliveries", "gross_profit")} == {
        "new_leads": 3, "leads_kept": 1, "lost_total": 2, "deliveries": 0,
        "gross_profit": "0.00"}
    row = next(r for r in table(body, "consultants")["rows"]
               if r["name"] == person_name(team.consultant))
    assert (row["new_leads"], row["lost_price"], row["lost_unreachable"]) == (3, 1, 1)
    assert table(body, "consultants")["totals"]["lost_total"] == 2
    side = group_view(api, staff, store_bj, "consultant-performance")
    assert [r["store"] for r in table(side, "stores")["rows"]] == ["BJ01", "SH01"]
    assert report(api(team.consultant, store_bj), "consultant-performance").status_code == 403


def test_cs14_vehicle_stock_movements_of_the_period(api, team, staff, store_bj, group, clock):
    model, trim = make_model(group)
    for serial, arrival in ((1, dt.date(2026, 10, 1)), (2, dt.date(2026, 11, 5))):
        stock_vehicle_create(actor=team.manager, store=store_bj, vin=make_vin(serial),
                             model=model, trim=trim, colour="白色", cost=Decimal("105000.00"),
                             msrp=Decimal("120000.00"), arrival_date=arrival,
                             certificate_number=f"WDK{serial:09d}")
    body = report(api(team.manager, store_bj), "vehicle-stock").json()
    assert {k: body["summary"][k] for k in ("opening", "received", "sold", "closing",
                                            "closing_value")} == {
        "opening": 1, "received": 1, "sold": 0, "closing": 2, "closing_value": "210000.00"}
    (row,) = table(body, "stock")["rows"]
    # On the 22nd: 52 days in stock (31–60) and 17 days (0–30).
    assert (row["colour"], row["age_0"], row["age_31"], row["age_91"]) == ("白色", 1, 1, 0)
    side = group_view(api, staff, store_bj, "vehicle-stock")
    assert side["summary"]["closing"] == 2 and side["summary"]["closing_value"] == "210000.00"
    technician = staff("technician", store=store_bj)
    assert report(api(technician, store_bj), "vehicle-stock").status_code == 403


def test_fn7_sales_reports_show_on_the_catalogue_page(client, team, leads):
    """Each sales report opens on the catalogue's page with its tables and charts."""
    client.force_login(team.manager)
    for key, first_table in (("sales-targets", "targets"), ("showroom-statistics", "days"),
                             ("lost-leads", "reasons"), ("consultant-performance",
                                                         "consultants"),
                             ("vehicle-stock", "stock")):
        page = client.get(reverse("reports:report", args=[key]), NOVEMBER)
        assert page.status_code == 200, key
        assert f'id="table-{first_table}"' in page.content.decode(), key
    html = client.get(reverse("reports:report", args=["lost-leads"]), NOVEMBER).content.decode()
    assert 'data-chart="report-chart-1"' in html and "客户1" in html
