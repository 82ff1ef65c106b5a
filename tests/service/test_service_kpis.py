"""Service KPIs (service.md "Service KPIs"): each figure against values computed by hand on
a small hand-built set of repair orders, stores side by side, the monthly trend, the page
(table, charts, Excel, store filter, permission, query count) and the home card."""

import datetime as dt
import itertools
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from siwei.service.models import (
    Appointment,
    Inspection,
    Job,
    JobClock,
    RepairOrder,
    TechnicianShift,
    WarrantyClaim,
)
from siwei.service.selectors_kpis import monthly_trend, service_kpis
from siwei.service.selectors_workshop import Period

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 22))
_numbers = itertools.count(1)


def at(month, day, hour, minute=0):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def make_ro(store, car, advisor, received, *, promised, category="maintenance",
            status="released", settled=None, released=None, discount=0, **fields):
    customer, vehicle = car
    return RepairOrder.objects.create(
        store=store, number=f"RO-K-{next(_numbers):04d}", customer=customer, vehicle=vehicle,
        advisor=advisor, category=category, status=status, mileage=20000,
        received_at=received, promised_at=promised, settled_at=settled, released_at=released,
        discount_percent=Decimal(discount), **fields)


def job(ro, hours, amount, payer="customer", **fields):
    return Job.objects.create(repair_order=ro, name="工时", hours=Decimal(hours),
                              rate=Decimal("300.00"), amount=Decimal(amount), payer=payer,
                              **fields)


def inspect(ro, inspector, when, level=3, passed=True):
    Inspection.objects.create(repair_order=ro, level=level, inspector=inspector, at=when,
                              passed=passed, findings="" if passed else "刹车异响")


def claim(ro, **fields):
    return WarrantyClaim.objects.create(
        store=ro.store, number=f"WC-K-{ro.pk}", repair_order=ro, vehicle=ro.vehicle,
        vin=ro.vehicle.vin, mileage=ro.mileage, repair_date=ro.received_at.date(),
        created_at=ro.received_at, **fields)


def appointment(store, car, advisor, start, status):
    customer, vehicle = car
    return Appointment.objects.create(
        store=store, number=f"AP-K-{next(_numbers):04d}", customer=customer, vehicle=vehicle,
        advisor=advisor, start=start, category="maintenance", estimated_hours=Decimal(1),
        status=status, created_at=start - dt.timedelta(days=2))


@pytest.fixture
def kpi_orders(crew, car, store_bj, clock):
    """BJ01 in November 2026 (R6 was received in October):

    | RO | received | promised | settled | released | jobs | notes |
    | R1 | 3 Nov 9:00 | 17:00 | 16:00 | 3 Nov 16:30 | 1.0 h 300 customer | 10 % discount |
    | R2 | 5 Nov 10:00 | 15:00 | 6 Nov 9:00 | 6 Nov 10:00 | 2.0 h 600 warranty, 0.5 h 150
      customer, 1.0 h 300 declined | final passed after a failed foreman check |
    | R3 | 10 Nov 9:00 | 12:00 | 11:00 | 10 Nov 11:30 | 0.5 h 0 goodwill | comeback of R1 |
    | R4 | 12 Nov 9:00 | — | — | — | — | cancelled |
    | R5 | 20 Nov 9:00 | 21 Nov | — | — | — | from an appointment, accident, in progress |
    | R6 | 30 Oct 9:00 | 1 Nov 17:00 | 1 Nov 17:00 | 2 Nov 9:00 | 4.0 h 1200 insurance | |
    """
    adv, qc = crew.advisor, crew.qc
    r1 = make_ro(store_bj, car, adv, at(11, 3, 9), promised=at(11, 3, 17),
                 settled=at(11, 3, 16), released=at(11, 3, 16, 30), discount=10)
    j1 = job(r1, "1.00", "300.00", technician=crew.tech1, status="finished",
             actual_hours=Decimal(1))
    JobClock.objects.create(job=j1, technician=crew.tech1, start=at(11, 3, 9, 30),
                            end=at(11, 3, 10, 30))
    inspect(r1, qc, at(11, 3, 15))
    r2 = make_ro(store_bj, car, adv, at(11, 5, 10), promised=at(11, 5, 15),
                 category="minor_repair", settled=at(11, 6, 9), released=at(11, 6, 10))
    job(r2, "2.00", "600.00", payer="warranty")
    job(r2, "0.50", "150.00")
    job(r2, "1.00", "300.00", declined=True)
    inspect(r2, crew.foreman, at(11, 5, 16), level=2, passed=False)
    inspect(r2, qc, at(11, 5, 18))
    r3 = make_ro(store_bj, car, adv, at(11, 10, 9), promised=at(11, 10, 12),
                 category="comeback", comeback_of=r1, settled=at(11, 10, 11),
                 released=at(11, 10, 11, 30))
    job(r3, "0.50", "0.00", payer="goodwill")
    inspect(r3, qc, at(11, 10, 10, 30))
    make_ro(store_bj, car, adv, at(11, 12, 9), promised=at(11, 12, 17), status="cancelled")
    a1 = appointment(store_bj, car, adv, at(11, 20, 9), "arrived")
    make_ro(store_bj, car, adv, at(11, 20, 9), promised=at(11, 21, 17), category="accident",
            status="in_progress", appointment=a1)
    r6 = make_ro(store_bj, car, adv, at(10, 30, 9), promised=at(11, 1, 17),
                 settled=at(11, 1, 17), released=at(11, 2, 9))
    job(r6, "4.00", "1200.00", payer="insurance")
    appointment(store_bj, car, adv, at(11, 15, 10), "cancelled")
    appointment(store_bj, car, adv, at(11, 16, 10), "no_show")
    appointment(store_bj, car, adv, at(11, 22, 10), "confirmed")  # outcome not known yet
    appointment(store_bj, car, adv, at(11, 25, 10), "booked")  # after the period
    for tech in (crew.tech1, crew.tech2):
        TechnicianShift.objects.create(store=store_bj, technician=tech, day=dt.date(2026, 11, 3),
                                       start=dt.time(8, 30), end=dt.time(17, 30))
    claim(r2, status="paid", first_submitted_at=at(11, 6, 10), decided_at=at(11, 8, 10),
          paid_at=at(11, 12, 10))
    claim(r6, status="rejected", first_submitted_at=at(11, 2, 10), decided_at=at(11, 9, 10))
    return {"r1": r1, "r2": r2, "r3": r3, "r6": r6}


@pytest.fixture
def sh_order(staff, store_sh, car, clock):
    """SH01: one order received 4 Nov 9:00, promised and released at 12:00 (on time, the
    same day, 3 hours), settled 11:30 with 1.0 h for 300 yuan."""
    advisor = staff("service_advisor", store=store_sh)
    ro = make_ro(store_sh, car, advisor, at(11, 4, 9), promised=at(11, 4, 12),
                 settled=at(11, 4, 11, 30), released=at(11, 4, 12))
    job(ro, "1.00", "300.00")
    return ro


def test_service_kpis_figures_by_hand(kpi_orders, store_bj, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        result = service_kpis(stores=[store_bj], period=NOVEMBER)
    k = result["columns"][0]
    assert (k["ros"], k["comebacks"], k["from_appointment"]) == (4, 1, 1)
    assert k["comeback_rate"] == Decimal("25.0")
    assert k["appointment_rate"] == Decimal("25.0")
    # show rate: arrived 1 / (booked 3 − cancelled 1); confirmed and later bookings left out
    assert (k["booked"], k["cancelled"], k["arrived"], k["show_rate"]) == (3, 1, 1,
                                                                           Decimal("50.0"))
    # hours sold 1.0 + 2.5 + 0.5 + 4.0; revenue 270 + 750 + 0 + 1200
    assert k["hours_sold"] == Decimal("8.00")
    assert k["labour_revenue"] == Decimal("2220.00")
    assert k["effective_labour_rate"] == Decimal("277.50")
    assert (k["technicians"], k["hours_per_technician"]) == (2, Decimal("4.00"))
    # productivity 1 h clocked / 18 h on shift; efficiency 1 h sold (finished) / 1 h clocked
    assert (k["productivity"], k["efficiency"]) == (Decimal("5.6"), Decimal("100.0"))
    assert (k["inspected"], k["first_pass"], k["ftp_rate"]) == (3, 2, Decimal("66.7"))
    # released R1, R2, R3, R6: on time R1, R3; same day R1, R3; 7.5 + 24 + 2.5 + 72 hours
    assert (k["delivered"], k["on_time"], k["same_day"]) == (4, 2, 2)
    assert (k["on_time_rate"], k["same_day_rate"]) == (Decimal("50.0"), Decimal("50.0"))
    assert k["average_dwell_hours"] == Decimal("26.50")
    assert not k["on_time_ok"] and not k["same_day_ok"]
    assert k["categories"] == {"maintenance": 1, "minor_repair": 1, "comeback": 1,
                               "accident": 1}
    assert k["claim_approval_rate"] == Decimal("50.0")
    assert k["days_to_payment"] == Decimal("6.0")
    assert sum(result["per_day"][dt.date(2026, 11, 3)].values()) == 1
    assert result["per_day"][dt.date(2026, 11, 20)] == {"accident": 1}


def test_service_kpis_show_rate_agrees_with_the_appointment_kpis(kpi_orders, store_bj):
    from siwei.service.selectors_appointments import appointment_kpis

    ours = service_kpis(stores=[store_bj], period=NOVEMBER)["total"]
    theirs = appointment_kpis(store=store_bj, start=NOVEMBER.start, end=NOVEMBER.end)["total"]
    assert ours["show_rate"] == theirs["show_rate"]
    assert ours["appointment_rate"] == theirs["appointment_rate"]


def test_service_kpis_stores_side_by_side_and_total(kpi_orders, sh_order, store_bj, store_sh):
    result = service_kpis(stores=[store_bj, store_sh], period=NOVEMBER)
    bj, sh = result["columns"]
    assert (bj["store"], sh["store"]) == (store_bj, store_sh)
    assert (sh["ros"], sh["on_time_rate"], sh["same_day_rate"]) == (1, Decimal("100.0"),
                                                                    Decimal("100.0"))
    assert sh["average_dwell_hours"] == Decimal("3.00")
    total = result["total"]
    assert (total["ros"], total["delivered"], total["on_time"]) == (5, 5, 3)
    assert total["on_time_rate"] == Decimal("60.0")
    assert total["average_dwell_hours"] == Decimal("21.80")  # (106 + 3) / 5
    assert total["effective_labour_rate"] == Decimal("280.00")  # 2520 / 9


def test_service_kpis_queries_do_not_grow_with_the_stores(kpi_orders, sh_order, store_bj,
                                                         store_sh):
    """quality.md (Speed): the KPIs of all stores are set-based — two stores cost the same
    queries as one (a query per store would show here)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for stores in ([store_bj], [store_bj, store_sh]):
        with CaptureQueriesContext(connection) as queries:
            service_kpis(stores=stores, period=NOVEMBER)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_service_kpis_monthly_trend(kpi_orders, store_bj, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        trend = monthly_trend(stores=[store_bj], months=3, end=dt.date(2026, 11, 22))
    assert [m["month"] for m in trend] == [dt.date(2026, 9, 1), dt.date(2026, 10, 1),
                                           dt.date(2026, 11, 1)]
    september, october, november = trend
    assert september["ros"] == 0 and september["on_time_rate"] is None
    assert (october["ros"], october["delivered"]) == (1, 0)
    assert (november["ros"], november["delivered"], november["hours_sold"]) == (
        4, 4, Decimal("8.00"))
    assert november["effective_labour_rate"] == Decimal("277.50")


def test_service_kpis_page_table_charts_excel(client, crew, kpi_orders,
                                              django_assert_max_num_queries):
    client.force_login(crew.manager)
    url = reverse("service:kpis")
    query = {"start": "2026-11-01", "end": "2026-11-22"}
    client.get(url, query)  # warm the caches of the session and permissions
    with django_assert_max_num_queries(45):
        response = client.get(url, query)
    html = response.content.decode()
    assert response.status_code == 200
    for chart in ("chart-kpi-trend", "chart-kpi-categories", "chart-kpi-labour"):
        assert f'data-chart="{chart}"' in html and f'id="{chart}"' in html
    assert 'data-kpi="effective_labour_rate"' in html and "277.50" in html
    assert "26.50" in html and "66.7%" in html
    response = client.get(url, {**query, "format": "xlsx"}, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("reports:report",
                                                            args=["service-kpis"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    rows = {r[0]: r[1:] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 18
    values = list(rows.values())
    assert Decimal(str(values[6][0])) == Decimal("277.50")
    assert len(book.worksheets) == 4  # KPIs, by category, per day, monthly trend
    assert [r[0] for r in book.worksheets[3].iter_rows(min_row=2, values_only=True)][-1] == (
        "2026-11")


def test_service_kpis_page_stores_side_by_side_for_a_group_role(client, staff, store_bj,
                                                                 store_sh, kpi_orders,
                                                                 sh_order):
    admin = staff("group_admin", store=store_bj)
    client.force_login(admin)
    html = client.get(reverse("service:kpis"), {"start": "2026-11-01",
                                               "end": "2026-11-22"}).content.decode()
    assert 'data-store="BJ01"' in html and 'data-store="SH01"' in html and "60.0%" in html
    download = client.get(reverse("service:kpis"), {"start": "2026-11-01", "end": "2026-11-22",
                                                   "format": "xlsx"})
    assert "store=all" in download["Location"] and "from=2026-11-01" in download["Location"]
    html = client.get(reverse("service:kpis"), {"start": "2026-11-01", "end": "2026-11-22",
                                               "store": "SH01"}).content.decode()
    assert 'data-store="SH01"' in html and 'data-store="BJ01"' not in html


def test_service_kpis_page_needs_the_permission(client, crew, staff, store_bj, store_sh):
    client.force_login(crew.advisor)
    assert client.get(reverse("service:kpis")).status_code == 403
    client.force_login(crew.store_manager)
    assert client.get(reverse("service:kpis")).status_code == 200
    # a manager of BJ01 cannot pick SH01
    client.force_login(crew.manager)
    html = client.get(reverse("service:kpis"), {"store": "SH01"}).content.decode()
    assert 'data-store="SH01"' not in html and 'data-store="BJ01"' in html


def test_service_kpis_home_card(client, crew, kpi_orders, clock):
    """The card is lazy: the home page holds its place and fetches it on its own."""
    client.force_login(crew.manager)
    home = client.get(reverse("home"), {"role": "service_manager"}).content.decode()
    card_url = reverse("home-card", args=["service-kpis-cards-kpis"])
    assert f'hx-get="{card_url}?role=service_manager"' in home
    assert 'id="card-service-kpis"' not in home
    html = client.get(card_url, {"role": "service_manager"}).content.decode()
    assert 'id="card-service-kpis"' in html
    assert 'data-chart="chart-card-service-kpis"' in html and 'data-today="0"' in html
    assert 'data-kpi="effective_labour_rate"' in html and "277.50" in html


def test_service_kpis_through_the_reports_api_one_store_and_side_by_side(
        api, crew, staff, store_bj, store_sh, kpi_orders, sh_order):
    """api.md ``reports/``: the service KPIs (FN-7) with the figures of the page; a group
    role compares the stores side by side (one set-based pass)."""
    query = {"from": "2026-11-01", "to": "2026-11-22"}
    body = api(crew.manager, store_bj).get("/api/v1/reports/service-kpis/", query).json()
    assert body["summary"]["ros"] == 4
    assert body["summary"]["effective_labour_rate"] == "277.50"
    assert body["summary"]["hours_sold"] == "8.00"
    kpis = {row["kpi"]: row["value"] for row in body["tables"][0]["rows"]}
    assert len(kpis) == 18
    trend = next(t for t in body["tables"] if t["key"] == "trend")
    assert trend["rows"][-1]["month"] == "2026-11" and trend["rows"][-1]["ros"] == 4
    admin = staff("group_admin", store=store_bj)
    side = api(admin, store_bj).get("/api/v1/reports/service-kpis/",
                                    {**query, "store": "all"}).json()
    rows = {row["store"]: row for row in side["tables"][0]["rows"]}
    assert (rows["BJ01"]["ros"], rows["SH01"]["ros"]) == (4, 1)
    assert rows["SH01"]["on_time_rate"] == "100.0"
    assert side["tables"][0]["totals"]["ros"] == 5
    assert api(crew.advisor, store_bj).get("/api/v1/reports/service-kpis/").status_code == 403
