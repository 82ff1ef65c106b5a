"""FN-6 the managers' KPIs against targets: the actual figure of at least one KPI of each
department against a month set up by hand, the targets (entered, the store's sales target
standing in, the department's standard), achievement and status (a lower-is-better KPI
too), entering the targets (service, page, API), the home card by role, and the ``kpis``
report through the API (FN-7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from siwei.core.audit import AuditEvent
from siwei.core.errors import DomainError
from siwei.parts.models import Part
from siwei.parts.services import stock_request_create, stock_request_issue
from siwei.parts.services.ledger import DocRef, receive_lot
from siwei.reports.kpis.definitions import KPI_BY_CODE
from siwei.reports.kpis.selectors import (
    SOURCES,
    STATUSES,
    achievement,
    due_share,
    kpi_rows,
    status,
)
from siwei.reports.kpis.services import kpi_target_set, kpi_targets_set
from siwei.reports.models import KpiTarget
from siwei.sales.models import SalesTarget
from tests.care.followups_support import *  # noqa: F403 - the fixtures team, owner
from tests.care.followups_support import make_released_ro, scores_for, service_task
from tests.finance.helpers_invoices_receivables import TZ, make_customer, make_order, make_ro
from tests.parts.conftest import make_location

pytestmark = pytest.mark.django_db

NOV = dt.date(2026, 11, 1)
NOV_END = dt.date(2026, 11, 30)
TODAY = dt.date(2026, 11, 22)
ENTERED, SALES_TARGET = str(SOURCES["entered"]), str(SOURCES["sales_target"])
STANDARD = str(SOURCES["standard"])


def nov(day, hour=10, minute=0):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=TZ)


def rows_by_code(store, start=NOV, end=NOV_END, departments=None):
    return {row["code"]: row for row in kpi_rows(store=store, start=start, end=end,
                                                 departments=departments)}


@pytest.fixture
def manager(staff, store_bj):
    return staff("store_manager", store=store_bj)


@pytest.fixture
def sales_month(staff, store_bj, clock):
    """BJ01 sales in November 2026, by hand:

    order A confirmed 5 Nov, delivered 10 Nov, insured through the store, gross 9,000;
    order B confirmed 1 Oct, delivered 12 Nov, no insurance, gross 8,000
    → orders 1, deliveries 2, gross profit 17,000, insurance penetration 1/2 = 50.0 %.
    The store's sales target of November: 4 deliveries, 5 orders, insurance 60 %.
    """
    consultant = staff("sales_consultant", store=store_bj)
    buyer = make_customer(store_bj)
    a = make_order(store_bj, buyer, consultant, confirmed=nov(5))
    b = make_order(store_bj, buyer, consultant)
    type(a).objects.filter(pk=a.pk).update(delivered_at=nov(10), insurance_company="人保",
                                           gross_profit=Decimal("9000.00"))
    type(b).objects.filter(pk=b.pk).update(delivered_at=nov(12), insurance_company="",
                                           gross_profit=Decimal("8000.00"))
    SalesTarget.objects.create(store=store_bj, month=NOV, deliveries=4, orders=5,
                               insurance_penetration=Decimal("60"))
    return {"consultant": consultant}


def test_fn6_sales_actuals_and_the_sales_target_standing_in(sales_month, store_bj, manager,
                                                            django_assert_max_num_queries):
    with django_assert_max_num_queries(40):  # every KPI of every department, set-based
        assert len(kpi_rows(store=store_bj, start=NOV, end=NOV_END)) == 16
    rows = rows_by_code(store_bj, departments=["sales"])
    assert [code for code in rows] == ["deliveries", "orders", "sales_gross_profit",
                                       "insurance_penetration", "finance_penetration"]
    deliveries = rows["deliveries"]
    # 22 of November's 30 days have passed: 73.3 % of a count target is due by now.
    assert (deliveries["actual"], deliveries["target"], deliveries["source"]) == (
        2, 4, SALES_TARGET)
    assert deliveries["due"] == Decimal("73.3") and deliveries["achievement"] == Decimal("50.0")
    assert deliveries["status"] == "behind"  # 2 < 4 × 73.3 %
    assert (rows["orders"]["actual"], rows["orders"]["target"]) == (1, 5)
    insurance = rows["insurance_penetration"]
    assert insurance["actual"] == Decimal("50.0") and insurance["target"] == Decimal("60.00")
    assert insurance["achievement"] == Decimal("83.3") and insurance["status"] == "behind"
    assert insurance["due"] == Decimal(100)  # a rate is judged whole, not pro rata
    gross = rows["sales_gross_profit"]
    assert gross["actual"] == Decimal("17000.00") and gross["target"] is None
    assert gross["status"] == "" and gross["status_label"] == STATUSES[""]
    assert rows["finance_penetration"]["actual"] == Decimal("0.0")
    # An entered target wins over the sales target; money is on pace at 85 % ≥ 73.3 %.
    kpi_targets_set(actor=manager, store=store_bj, month=NOV,
                    values={"deliveries": "2", "sales_gross_profit": "20000"})
    rows = rows_by_code(store_bj, departments=["sales"])
    assert (rows["deliveries"]["target"], rows["deliveries"]["source"]) == (2, ENTERED)
    assert rows["deliveries"]["status"] == "ok"
    assert rows["sales_gross_profit"]["achievement"] == Decimal("85.0")
    assert rows["sales_gross_profit"]["status"] == "ok"


def test_fn6_targets_of_several_months_add_up_or_average(sales_month, store_bj, manager):
    """October has no sales target: a count needs every month's target; a rate is the
    mean of the months that have one."""
    kpi_target_set(actor=manager, store=store_bj, month=dt.date(2026, 10, 9),
                   kpi="insurance_penetration", value=Decimal("80"))
    rows = rows_by_code(store_bj, start=dt.date(2026, 10, 1), departments=["sales"])
    assert rows["deliveries"]["target"] is None and rows["deliveries"]["status"] == ""
    assert rows["insurance_penetration"]["target"] == Decimal("70.00")
    assert rows["insurance_penetration"]["source"] == f"{ENTERED} + {SALES_TARGET}"
    kpi_target_set(actor=manager, store=store_bj, month=dt.date(2026, 10, 1),
                   kpi="deliveries", value=6)
    rows = rows_by_code(store_bj, start=dt.date(2026, 10, 1), departments=["sales"])
    assert rows["deliveries"]["target"] == 10  # 6 entered for October + 4 sales target
    # 31 + 22 of the 61 days of October and November are due: 86.9 %.
    assert rows["deliveries"]["due"] == Decimal("86.9")


@pytest.fixture
def service_month(staff, store_bj, clock):
    """BJ01 service in November 2026, by hand:

    RO1 received 20 Nov 9:00, promised 17:00, released 16:00 (on time, same day), customer
        job 1,000 less 10 % → 900;
    RO2 received 10 Nov 9:00, promised 17:00, released 11 Nov 10:00 (late, next day),
        customer job 500;
    RO3 received 21 Nov 9:00, a comeback of RO1, warranty job 300, not released.
    → repair orders 3, labour revenue 1,700, on time 1/2 = 50.0 %, same day 50.0 %,
      comeback rate 1/3 = 33.3 %.
    """
    advisor = staff("service_advisor", store=store_bj)
    buyer = make_customer(store_bj)
    ro1 = make_ro(store_bj, buyer, advisor, discount="10", settled=nov(20, 15),
                  lines=[("job", "customer", "1000.00")])
    ro2 = make_ro(store_bj, buyer, advisor, settled=nov(10, 15),
                  lines=[("job", "customer", "500.00")])
    ro3 = make_ro(store_bj, buyer, advisor, settled=nov(21, 15),
                  lines=[("job", "warranty", "300.00")])
    type(ro1).objects.filter(pk=ro1.pk).update(status="released", released_at=nov(20, 16))
    type(ro2).objects.filter(pk=ro2.pk).update(status="released", released_at=nov(11, 10))
    type(ro3).objects.filter(pk=ro3.pk).update(comeback_of=ro1)
    return {"advisor": advisor}


def test_fn6_service_actuals_standard_and_lower_is_better(service_month, store_bj, manager):
    kpi_targets_set(actor=manager, store=store_bj, month=NOV,
                    values={"repair_orders": 4, "comeback_rate": "5"})
    rows = rows_by_code(store_bj, end=TODAY, departments=["service"])
    assert list(rows) == ["repair_orders", "labour_revenue", "on_time_rate", "same_day_rate",
                          "comeback_rate"]
    ros = rows["repair_orders"]
    assert (ros["actual"], ros["target"], ros["achievement"]) == (3, 4, Decimal("75.0"))
    assert ros["status"] == "ok"  # 3 ≥ 4 × 73.3 % due by the 22nd
    assert rows["labour_revenue"]["actual"] == Decimal("1700.00")
    on_time = rows["on_time_rate"]
    assert (on_time["actual"], on_time["target"], on_time["source"]) == (
        Decimal("50.0"), Decimal("95.00"), STANDARD)
    assert on_time["achievement"] == Decimal("52.6") and on_time["status"] == "behind"
    assert rows["same_day_rate"]["actual"] == Decimal("50.0")
    comeback = rows["comeback_rate"]  # lower is better: target / actual
    assert comeback["actual"] == Decimal("33.3") and comeback["target"] == Decimal("5.00")
    assert comeback["achievement"] == Decimal("15.0") and comeback["status"] == "behind"
    kpi_target_set(actor=manager, store=store_bj, month=NOV, kpi="comeback_rate", value="40")
    comeback = rows_by_code(store_bj, end=TODAY, departments=["service"])["comeback_rate"]
    assert comeback["achievement"] == Decimal("120.1") and comeback["status"] == "ok"


def test_fn6_achievement_and_status_rules():
    orders, comebacks = KPI_BY_CODE["orders"], KPI_BY_CODE["comeback_rate"]
    nps = KPI_BY_CODE["nps"]
    assert achievement(orders, 6, 8) == Decimal("75.0")
    assert status(orders, 6, 8, Decimal("75.0")) == "ok"
    assert status(orders, 5, 8, Decimal("75.0")) == "behind"
    assert status(orders, 8, 8, Decimal(100)) == "ok"
    assert achievement(comebacks, Decimal("4"), Decimal("2")) == Decimal("50.0")
    assert status(comebacks, Decimal("4"), Decimal("2"), Decimal(100)) == "behind"
    assert status(comebacks, Decimal("0"), Decimal("2"), Decimal(100)) == "ok"
    assert achievement(comebacks, Decimal("0"), Decimal("2")) is None  # nothing to divide
    assert achievement(nps, Decimal("-10"), Decimal("20")) is None
    assert status(nps, Decimal("-10"), Decimal("20"), Decimal(100)) == "behind"
    assert status(orders, None, 8, Decimal(100)) == "" and status(orders, 3, None, 1) == ""
    assert due_share(NOV, NOV_END, TODAY) == Decimal("73.3")
    assert due_share(NOV, dt.date(2026, 11, 15), TODAY) == Decimal("50.0")
    assert due_share(dt.date(2026, 10, 1), dt.date(2026, 10, 31), TODAY) == Decimal("100.0")


def test_fn6_parts_fill_rate_against_the_standard_and_an_entered_target(store_bj, group,
                                                                        manager, clock):
    """Two requests, one filled from stock at once and one short: fill rate 50.0 %,
    read at today over the last twelve months (PT-17)."""
    part = Part.objects.create(group=group, number="06L115562B", name="机油滤清器",
                               cost=Decimal("45.00"))
    shelf = make_location(store_bj, "A-01-1")
    receive_lot(actor=None, store=store_bj, part=part, qty=Decimal(3),
                unit_cost=Decimal("40.00"), location=shelf, ref=DocRef("test", "1"))
    for document_id, quantity in (("101", 2), ("102", 5)):
        request = stock_request_create(actor=None, store=store_bj, part=part,
                                       quantity=quantity, document_type="service.repairorder",
                                       document_id=document_id)
        stock_request_issue(actor=None, request=request)
    fill = rows_by_code(store_bj, departments=["parts"])["fill_rate"]
    assert (fill["actual"], fill["target"], fill["source"]) == (
        Decimal("50.0"), Decimal("90.00"), STANDARD)
    assert fill["achievement"] == Decimal("55.6") and fill["status"] == "behind"
    kpi_target_set(actor=manager, store=store_bj, month=NOV, kpi="fill_rate", value=50)
    fill = rows_by_code(store_bj, departments=["parts"])["fill_rate"]
    assert (fill["achievement"], fill["status"], fill["source"]) == (
        Decimal("100.0"), "ok", ENTERED)


def test_fn6_satisfaction_csi_and_nps_of_the_surveys(group, team, owner, store_bj, manager,
                                                     clock):
    """Three service calls answered in November: CSI (100 + 80 + 52) / 3 = 77.3, NPS one
    promoter less one detractor of three = 0.0 (as CR-4 computes them)."""
    from siwei.care.services import followup_complete

    customer, vehicle = owner
    for index, (satisfaction, score) in enumerate(
            [([5, 5, 5, 5, 5], 10), ([4, 4, 4, 4, 4], 8), ([3, 3, 2, 2, 3], 3)]):
        ro = make_released_ro(team, customer, vehicle)
        task = service_task(ro, due_at=clock.now() - dt.timedelta(hours=index + 1))
        followup_complete(actor=team.cs, follow_up=task, result="",
                          scores=scores_for(group, satisfaction, score))
    kpi_targets_set(actor=manager, store=store_bj, month=NOV, values={"csi": 90, "nps": 0})
    rows = rows_by_code(store_bj, departments=["satisfaction"])
    assert (rows["csi"]["actual"], rows["csi"]["achievement"], rows["csi"]["status"]) == (
        Decimal("77.3"), Decimal("85.9"), "behind")
    nps = rows["nps"]
    assert nps["actual"] == Decimal("0.0") and nps["achievement"] is None
    assert nps["status"] == "ok"  # 0 meets a target of 0
    assert "complaints_resolved_in_time" in rows


# --- entering the targets ----------------------------------------------------------------

def test_fn6_target_entry_rules_and_audit(store_bj, staff, manager, clock):
    row = kpi_target_set(actor=manager, store=store_bj, month=dt.date(2026, 12, 15),
                         kpi="deliveries", value="12")
    assert (row.month, row.value) == (dt.date(2026, 12, 1), Decimal("12.00"))
    kpi_target_set(actor=manager, store=store_bj, month=dt.date(2026, 12, 1),
                   kpi="deliveries", value="14")
    assert KpiTarget.objects.filter(store=store_bj).count() == 1
    event = AuditEvent.objects.filter(action="kpi_target.set").latest("id")
    assert event.before["value"] == "12.00" and event.after["value"] == "14.00"
    for kpi, value, field in (("deliveries", "2.5", "value"), ("on_time_rate", "120", "value"),
                              ("csi", "abc", "value"), ("nps", "-101", "value"),
                              ("nothing", "1", "kpi")):
        with pytest.raises(ValidationError) as bad:
            kpi_target_set(actor=manager, store=store_bj, month=NOV, kpi=kpi, value=value)
        assert field in bad.value.message_dict
    assert kpi_target_set(actor=manager, store=store_bj, month=NOV, kpi="nps",
                          value="-20").value == Decimal("-20.00")
    with pytest.raises(ValidationError) as several:
        kpi_targets_set(actor=manager, store=store_bj, month=NOV,
                        values={"orders": "3", "fill_rate": "101", "csi": "-1"})
    assert set(several.value.message_dict) == {"fill_rate", "csi"}
    assert not KpiTarget.objects.filter(kpi="orders").exists()  # nothing written
    assert kpi_target_set(actor=manager, store=store_bj, month=dt.date(2026, 12, 1),
                          kpi="deliveries", value=None) is None
    assert AuditEvent.objects.filter(action="kpi_target.clear").count() == 1
    with pytest.raises(DomainError):
        kpi_target_set(actor=staff("service_manager", store=store_bj), store=store_bj,
                       month=NOV, kpi="deliveries", value=1)


def test_fn6_targets_page(client, store_bj, staff, manager, sales_month):
    client.force_login(manager)
    url = reverse("reports:kpi-targets")
    page = client.get(url, {"month": "2026-11"})
    html = page.content.decode()
    assert page.status_code == 200 and 'data-kpi="complaints_resolved_in_time"' in html
    assert 'name="deliveries"' in html and f"4 ({SALES_TARGET})" in html
    # From the report's working-page link: the month of the period's first day.
    october = client.get(url, {"from": "2026-10-01", "to": "2026-10-31"}).content.decode()
    assert 'name="month" value="2026-10"' in october
    saved = client.post(f"{url}?month=2026-11", {"month": "2026-11", "deliveries": "6",
                                                 "csi": "88.5", "nps": ""})
    assert saved.status_code == 302 and saved["Location"].endswith("?month=2026-11")
    assert dict(KpiTarget.objects.filter(store=store_bj, month=NOV)
                .values_list("kpi", "value")) == {"deliveries": Decimal("6.00"),
                                                  "csi": Decimal("88.50")}
    bad = client.post(url, {"month": "2026-11", "deliveries": "7", "fill_rate": "150"})
    assert bad.status_code == 400 and 'data-error="fill_rate"' in bad.content.decode()
    assert KpiTarget.objects.get(kpi="deliveries").value == Decimal("6.00")
    seller = staff("sales_manager", store=store_bj)
    client.force_login(seller)
    read_only = client.get(url).content.decode()
    assert 'name="deliveries"' in read_only and "disabled" in read_only
    assert 'id="kpi-targets-save"' not in read_only
    assert client.post(url, {"month": "2026-11", "deliveries": "1"}).status_code == 403
    client.force_login(staff("technician", store=store_bj))
    assert client.get(url).status_code == 403


def test_fn6_targets_api(api, store_bj, staff, manager, clock):
    client = api(manager, store_bj)
    created = client.post("/api/v1/kpi-targets/", {"month": "2026-11", "kpi": "repair_orders",
                                                   "value": "40"}, format="json")
    assert created.status_code == 201 and created.json()["month"] == "2026-11-01"
    again = client.post("/api/v1/kpi-targets/", {"month": "2026-11-20", "kpi": "repair_orders",
                                                 "value": "42"}, format="json")
    assert again.status_code == 201 and again.json()["value"] == "42.00"
    client.post("/api/v1/kpi-targets/", {"month": "2026-10", "kpi": "csi", "value": "90"},
                format="json")
    listed = client.get("/api/v1/kpi-targets/", {"month": "2026-11"}).json()["results"]
    assert [(r["kpi"], r["value"]) for r in listed] == [("repair_orders", "42.00")]
    bad = client.post("/api/v1/kpi-targets/", {"month": "2026-11", "kpi": "on_time_rate",
                                               "value": "101"}, format="json")
    assert bad.status_code == 400 and "value" in bad.json()
    unknown = client.post("/api/v1/kpi-targets/", {"month": "2026-11", "kpi": "profit",
                                                   "value": "1"}, format="json")
    assert unknown.status_code == 400 and "kpi" in unknown.json()
    assert client.get("/api/v1/kpi-targets/", {"month": "11/2026"}).status_code == 400
    removed = client.post("/api/v1/kpi-targets/", {"month": "2026-10", "kpi": "csi",
                                                   "value": None}, format="json")
    assert removed.status_code == 204 and not KpiTarget.objects.filter(kpi="csi").exists()
    seller = api(staff("sales_manager", store=store_bj), store_bj)
    assert seller.get("/api/v1/kpi-targets/").status_code == 200
    assert seller.post("/api/v1/kpi-targets/", {"month": "2026-11", "kpi": "orders",
                                                "value": "3"}, format="json").status_code == 403
    technician = api(staff("technician", store=store_bj), store_bj)
    assert technician.get("/api/v1/kpi-targets/").status_code == 403


# --- the home card and the report -------------------------------------------------------

CARD = "reports-kpis-card"


def test_fn6_home_card_for_the_store_manager(client, manager, sales_month, store_bj):
    client.force_login(manager)
    home = client.get(reverse("home")).content.decode()
    card_url = reverse("home-card", args=[CARD])
    assert f'hx-get="{card_url}?role=store_manager"' in home
    html = client.get(card_url, {"role": "store_manager"}).content.decode()
    assert 'id="card-kpis"' in html and 'data-chart="chart-card-kpis"' in html
    assert 'id="chart-card-kpis"' in html and '"markLine"' in html
    for code in ("deliveries", "repair_orders", "fill_rate", "csi"):
        assert f'data-kpi="{code}"' in html
    assert 'data-kpi="deliveries" data-status="behind"' in html
    assert reverse("reports:report", args=["kpis"]) in html


def test_fn6_home_card_shows_a_department_manager_their_rows(client, staff, store_bj,
                                                             service_month):
    service_manager = staff("service_manager", store=store_bj)
    client.force_login(service_manager)
    html = client.get(reverse("home-card", args=[CARD]),
                      {"role": "service_manager"}).content.decode()
    assert 'data-department="service"' in html and 'data-kpi="repair_orders"' in html
    assert 'data-kpi="deliveries"' not in html and 'data-kpi="csi"' not in html
    client.force_login(staff("sales_manager", store=store_bj))
    html = client.get(reverse("home-card", args=[CARD]),
                      {"role": "sales_manager"}).content.decode()
    assert 'data-kpi="deliveries"' in html and 'data-kpi="repair_orders"' not in html
    client.force_login(staff("technician", store=store_bj))
    assert client.get(reverse("home-card", args=[CARD]),
                      {"role": "technician"}).status_code == 404


def test_fn6_fn7_kpi_report_through_the_api(api, staff, store_bj, store_sh, manager,
                                            sales_month, service_month):
    query = {"from": "2026-11-01", "to": "2026-11-30"}
    body = api(manager, store_bj).get("/api/v1/reports/kpis/", query).json()
    assert body["report"] == "kpis" and body["department"] == "management"
    assert body["summary"]["deliveries"] == 2 and body["summary"]["repair_orders"] == 3
    assert body["summary"]["labour_revenue"] == "1700.00"
    assert body["summary"]["sales_gross_profit"] == "17000.00"
    table = body["tables"][0]
    assert len(table["rows"]) == 16
    deliveries = next(r for r in table["rows"] if r["code"] == "deliveries")
    with translation.override(settings.LANGUAGE_CODE):  # the API's language
        labels = {"status": str(STATUSES["behind"]), "source": str(SOURCES["sales_target"]),
                  "kpi": str(KPI_BY_CODE["deliveries"].label)}
    assert deliveries == {**deliveries, "actual": 2, "target": 4, "achievement": "50.0",
                          "due": "73.3", **labels}
    admin = staff("group_admin", group=store_bj.group)
    side = api(admin, store_bj).get("/api/v1/reports/kpis/", {**query, "store": "all"}).json()
    by_store = {row["store"]: row for row in side["tables"][0]["rows"]}
    assert by_store["BJ01"]["deliveries"] == 2 and by_store["SH01"]["deliveries"] == 0
    technician = staff("technician", store=store_bj)
    assert api(technician, store_bj).get("/api/v1/reports/kpis/").status_code == 403


def test_fn6_fn7_kpi_report_page_with_the_chart(client, manager, sales_month):
    client.force_login(manager)
    page = client.get(reverse("reports:report", args=["kpis"]),
                      {"from": "2026-11-01", "to": "2026-11-30"})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="table-kpis"' in html
    assert 'data-chart="report-chart-0"' in html and '"markLine"' in html
    assert client.get(reverse("reports:kpis")).status_code == 302


def test_fn6_demo_targets_of_twelve_months(store_bj, store_sh, clock):
    """The demo enters twelve months of targets per store; the last three months leave
    deliveries and orders to the sales targets the sales demo sets."""
    from types import SimpleNamespace

    from siwei.reports.demo import build_kpi_targets

    build_kpi_targets(SimpleNamespace(stores=[store_bj, store_sh], small=False))
    months = set(KpiTarget.objects.filter(store=store_bj).values_list("month", flat=True))
    assert len(months) == 12 and max(months) == NOV and min(months) == dt.date(2025, 12, 1)
    assert not KpiTarget.objects.filter(kpi="deliveries", month__gte=dt.date(2026, 9, 1))
    assert KpiTarget.objects.get(store=store_bj, kpi="deliveries",
                                 month=dt.date(2026, 8, 1)).value == 10
    assert KpiTarget.objects.get(store=store_sh, kpi="repair_orders",
                                 month=NOV).value == Decimal("27")  # 34 × 0.8
