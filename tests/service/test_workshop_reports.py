"""SV-14 quality daily report and the workshop KPIs: figures, pages, Excel, query counts."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from siwei.service.selectors_workshop import Period, quality_daily, workshop_kpis
from siwei.service.services.workshop import (
    inspection_record,
    job_assign,
    job_finish,
    job_pause,
    job_start,
)

from .test_workshop_helpers import jobs_of, open_ro

pytestmark = pytest.mark.django_db

CHECKS = {k: True for k in ("safety", "power", "economy", "reliability", "emissions",
                            "cleanliness")}
DAY = dt.date(2026, 11, 22)


def work(crew, ro, clock, tech, minutes=30, fail_self_check=""):
    for job in jobs_of(ro):
        if job.status == "finished":
            continue
        if job.status == "pending":
            job_assign(actor=crew.foreman, job=job, technician=tech)
            job.refresh_from_db()
        worker = job.technician
        job_start(actor=worker, job=job)
        clock.advance(minutes=minutes)
        if fail_self_check:
            job_finish(actor=worker, job=job, self_check_passed=False,
                       findings=fail_self_check)
            fail_self_check = ""
        job_finish(actor=worker, job=job)


def pass_both(crew, ro):
    inspection_record(actor=crew.foreman, repair_order=ro, level=2, passed=True)
    inspection_record(actor=crew.qc, repair_order=ro, level=3, passed=True, checks=CHECKS)


@pytest.fixture
def history(crew, store_bj, car, operations, shifts, clock):
    """Day 1 (22 Nov): A passes first time (tech1); B fails the foreman check on the whole
    order (tech1 and tech2 worked on it), then passes; C fails its self-check (tech2),
    then passes. Day 2: D fails the final inspection on one job (tech2), then passes, and
    E comes back as a comeback of A."""
    a = open_ro(crew, store_bj, car, operations, jobs=("oil",))
    work(crew, a, clock, crew.tech1)
    pass_both(crew, a)
    b = open_ro(crew, store_bj, car, operations)
    brakes = jobs_of(b)[1]
    job_assign(actor=crew.foreman, job=brakes, technician=crew.tech2)
    work(crew, b, clock, crew.tech1)
    inspection_record(actor=crew.foreman, repair_order=b, level=2, passed=False,
                      findings="刹车异响")
    work(crew, b, clock, crew.tech1, minutes=10)
    pass_both(crew, b)
    c = open_ro(crew, store_bj, car, operations, jobs=("oil",))
    work(crew, c, clock, crew.tech2, fail_self_check="漏油")
    pass_both(crew, c)
    clock.set(clock.now() + dt.timedelta(days=1))
    clock.set(clock.now().replace(hour=9, minute=0))
    d = open_ro(crew, store_bj, car, operations, jobs=("brakes",))
    work(crew, d, clock, crew.tech2)
    inspection_record(actor=crew.foreman, repair_order=d, level=2, passed=True)
    inspection_record(actor=crew.qc, repair_order=d, level=3, passed=False, job=jobs_of(d)[0],
                      findings="刹车异响")
    work(crew, d, clock, crew.tech2, minutes=6)
    pass_both(crew, d)
    e = open_ro(crew, store_bj, car, operations, jobs=("oil",), comeback_of=a)
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def test_sv14_quality_daily_figures(history, store_bj, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        report = quality_daily(store=store_bj, period=Period(DAY, DAY + dt.timedelta(days=1)))
    day1, day2 = report["days"]
    assert (day1["inspected"], day1["first_pass"], day1["ftp_rate"]) == (3, 1, Decimal("33.3"))
    assert (day1["failures"], day1["comebacks"]) == (2, 0)
    assert (day2["inspected"], day2["first_pass"], day2["failures"], day2["comebacks"]) == (
        1, 0, 1, 1)
    assert report["total"]["ftp_rate"] == Decimal("25.0")
    causes = {(r["findings"], r["level"]): r["n"] for r in report["by_cause"]}
    assert causes == {("刹车异响", 2): 1, ("刹车异响", 3): 1, ("漏油", 1): 1}
    per_tech = {r["technician"].pk: r["n"] for r in report["by_technician"]}
    crew_ids = {r["technician"].username for r in report["by_technician"]}
    assert len(crew_ids) == 2
    # tech1: B (whole order); tech2: B (whole order), C (self-check), D (final, its job)
    assert sorted(per_tech.values()) == [1, 3]
    assert [ro.pk for ro in report["comebacks"]] == [history["e"].pk]


def test_sv14_quality_report_queries_do_not_grow_with_the_days(history, store_bj,
                                                               django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        quality_daily(store=store_bj, period=Period(DAY - dt.timedelta(days=300), DAY))


def test_sv14_quality_page_chart_and_excel(client, crew, history):
    client.force_login(crew.qc)
    url = reverse("service:workshop-quality")
    response = client.get(url, {"start": "2026-11-22", "end": "2026-11-23"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-chart="chart-quality"' in html and 'id="chart-quality"' in html
    assert 'data-day="2026-11-22"' in html and "33.3%" in html and "刹车异响" in html
    response = client.get(url, {"start": "2026-11-22", "end": "2026-11-23", "format": "xlsx"},
                          follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("reports:report",
                                                            args=["quality-daily"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    days = list(book.worksheets[0].values)
    assert days[1][1:5] == (3, 1, 33.3, 2)
    assert days[-1][1:6] == (4, 1, 25, 3, 1)  # the totals
    assert len(book.worksheets) == 4  # days, failures by cause, by technician, comebacks
    assert list(book.worksheets[3].values)[1][0] == history["e"].number
    assert client.get(url, {"start": "2026-11-23", "end": "2026-11-01"}).status_code == 200
    client.force_login(crew.cashier)
    assert client.get(url).status_code == 403


def test_workshop_kpis_per_technician(crew, store_bj, car, operations, shifts, clock,
                                      django_assert_max_num_queries):
    ro = open_ro(crew, store_bj, car, operations)  # oil 0.50 h, brakes 1.20 h sold
    oil, brakes = jobs_of(ro)
    job_assign(actor=crew.foreman, job=oil, technician=crew.tech1)
    job_assign(actor=crew.foreman, job=brakes, technician=crew.tech2)
    job_start(actor=crew.tech1, job=oil)
    job_start(actor=crew.tech2, job=brakes)
    clock.advance(minutes=45)
    job_finish(actor=crew.tech1, job=oil)  # 0.75 h clocked for 0.50 sold
    job_pause(actor=crew.tech2, job=brakes)  # 0.75 h clocked, not finished
    with django_assert_max_num_queries(6):
        result = workshop_kpis(store=store_bj, period=Period(DAY, DAY))
    rows = {r["technician"].pk: r for r in result["rows"]}
    one, two = rows[crew.tech1.pk], rows[crew.tech2.pk]
    assert (one["sold"], one["clocked"], one["on_shift"]) == (
        Decimal("0.50"), Decimal("0.75"), Decimal("9.00"))
    assert one["productivity"] == Decimal("8.3") and one["efficiency"] == Decimal("66.7")
    assert (two["sold"], two["clocked"], two["efficiency"]) == (
        Decimal("0.00"), Decimal("0.75"), Decimal("0.0"))
    assert result["total"]["on_shift"] == Decimal("18.00")
    assert result["total"]["clocked"] == Decimal("1.50")
    # a running stretch counts up to now
    from siwei.service.services.workshop import job_resume

    job_resume(actor=crew.tech2, job=brakes)
    clock.advance(minutes=15)
    result = workshop_kpis(store=store_bj, period=Period(DAY, DAY))
    assert {r["technician"].pk: r["clocked"] for r in result["rows"]}[crew.tech2.pk] == (
        Decimal("1.00"))
    later = workshop_kpis(store=store_bj, period=Period(DAY + dt.timedelta(days=1),
                                                        DAY + dt.timedelta(days=1)))
    assert {r["clocked"] for r in later["rows"]} == {Decimal("0.00")}


def test_workshop_totals_of_several_stores_match_each_stores_kpis(
        crew, store_bj, store_sh, car, operations, shifts, clock, django_assert_num_queries):
    """The service KPIs read every store's workshop totals at once; each equals the total
    of that store's workshop KPIs."""
    from siwei.service.selectors_workshop import workshop_totals

    ro = open_ro(crew, store_bj, car, operations)
    oil, _brakes = jobs_of(ro)
    job_assign(actor=crew.foreman, job=oil, technician=crew.tech1)
    job_start(actor=crew.tech1, job=oil)
    clock.advance(minutes=45)
    job_finish(actor=crew.tech1, job=oil)
    period = Period(DAY, DAY)
    with django_assert_num_queries(3):
        totals = workshop_totals(stores=[store_bj, store_sh], period=period)
    assert totals[store_bj.pk] == workshop_kpis(store=store_bj, period=period)["total"]
    assert (totals[store_bj.pk]["sold"], totals[store_bj.pk]["clocked"]) == (
        Decimal("0.50"), Decimal("0.75"))
    assert totals[store_sh.pk]["clocked"] == Decimal("0.00")
    assert totals[store_sh.pk]["on_shift"] == Decimal("0.00")


def test_workshop_kpi_page_and_excel(client, crew, store_bj, car, operations, shifts, clock):
    ro = open_ro(crew, store_bj, car, operations, jobs=("oil",))
    job = jobs_of(ro)[0]
    job_assign(actor=crew.foreman, job=job, technician=crew.tech1)
    job_start(actor=crew.tech1, job=job)
    clock.advance(minutes=30)
    job_finish(actor=crew.tech1, job=job)
    client.force_login(crew.foreman)
    url = reverse("service:workshop-kpis")
    html = client.get(url).content.decode()
    assert 'data-chart="chart-kpis"' in html and f'data-technician="{crew.tech1.pk}"' in html
    response = client.get(url, {"start": "2026-11-22", "end": "2026-11-22", "format": "xlsx"},
                          follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("reports:report",
                                                            args=["workshop-kpis"]))
    rows = list(load_workbook(BytesIO(response.content)).worksheets[0].values)
    tech_row = next(r for r in rows if r[0] == crew.tech1.username)
    assert tech_row[1:4] == (0.5, 0.5, 9)
    assert rows[-1][1:4] == (0.5, 0.5, 18)  # the totals: both technicians on shift
    client.force_login(crew.tech1)
    assert client.get(url).status_code == 403
