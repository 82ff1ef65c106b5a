"""FN-7: one report framework — period and store filters, the stores side by side for group
users, table + chart + .xlsx, the same report through the API. The mechanics are checked
with a report declared here whose figures record what it was asked for; the departments'
reports have their own tests next to their figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from siwei.core import reporting
from siwei.core.audit import AuditEvent
from siwei.core.exports import XLSX_CONTENT_TYPE
from siwei.core.reporting import Chart, Column, ReportDefinition, ReportResult, Table

pytestmark = pytest.mark.django_db

asked_for: list = []


def _build(query) -> ReportResult:
    asked_for.append((query.store.code, query.start, query.end))
    days = (query.end - query.start).days + 1
    amount = Decimal("1000.50") if query.store.code == "BJ01" else Decimal("250.25")
    return ReportResult(
        tables=[Table("days", "Days", [Column("store", "Store"), Column("days", "Days", "int"),
                                       Column("amount", "Amount", "money"),
                                       Column("first", "First day", "date")],
                      [{"store": query.store.code, "days": days, "amount": amount,
                        "first": query.start}],
                      totals={"store": "Σ", "days": days, "amount": amount})],
        charts=[Chart("bars", "Amount", {"xAxis": {"type": "category", "data": ["x"]},
                                         "yAxis": {"type": "value"},
                                         "series": [{"type": "bar", "data": [float(amount)]}]})],
        summary={"days": days, "amount": amount, "rate": Decimal("12.5"),
                 "hours": Decimal("1.5")})


PROBE = ReportDefinition(
    key="probe", title="Probe report", department="management",
    permission="service.view_service_kpis", build=_build,
    summary_columns=(Column("days", "Days", "int"), Column("amount", "Amount", "money"),
                     Column("rate", "Rate", "percent"),
                     Column("hours", "Hours", "decimal", adds_up=True)))


@pytest.fixture
def probe(monkeypatch):
    asked_for.clear()
    catalogue = {**reporting.all_reports(), "probe": PROBE}
    monkeypatch.setattr(reporting, "all_reports", lambda: catalogue)
    return PROBE


@pytest.fixture
def manager(staff, store_bj):
    return staff("service_manager", store=store_bj)


def test_fn7_every_report_is_declared_once_with_a_known_permission_and_department():
    from django.contrib.auth.models import Permission

    reports = reporting.all_reports()
    assert {"service-kpis", "survey-results", "complaint-analysis"} <= set(reports)
    for definition in reports.values():
        app, codename = definition.permission.split(".")
        assert Permission.objects.filter(content_type__app_label=app,
                                         codename=codename).exists(), definition.key
        assert definition.summary_columns, definition.key


def test_fn7_page_filters_period_and_store_shows_table_chart_and_download(
        client, probe, manager, store_bj, clock):
    client.force_login(manager)
    page = client.get(reverse("reports:report", args=["probe"]),
                      {"from": "2026-11-01", "to": "2026-11-10"})
    assert page.status_code == 200
    html = page.content.decode()
    assert asked_for == [("BJ01", dt.date(2026, 11, 1), dt.date(2026, 11, 10))]
    assert 'id="table-days"' in html and "1,000.50" in html
    assert 'data-chart="report-chart-0"' in html
    assert 'data-summary="rate">12.5%<' in html
    # Without a period: this month up to today (the clock: 2026-11-22).
    asked_for.clear()
    client.get(reverse("reports:report", args=["probe"]))
    assert asked_for == [("BJ01", dt.date(2026, 11, 1), dt.date(2026, 11, 22))]
    download = client.get(reverse("reports:report", args=["probe"]),
                          {"from": "2026-11-01", "to": "2026-11-10", "format": "xlsx"})
    assert download["Content-Type"] == XLSX_CONTENT_TYPE
    assert "probe-BJ01-20261101-20261110.xlsx" in download["Content-Disposition"]
    sheet = load_workbook(BytesIO(download.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Store", "Days", "Amount", "First day")
    assert rows[1][:3] == ("BJ01", 10, 1000.5) and rows[2][0] == "Σ"
    assert AuditEvent.objects.filter(action="report.export", object_id="probe",
                                     store=store_bj).count() == 1


def test_fn7_group_users_see_the_stores_side_by_side(client, probe, staff, store_bj, store_sh,
                                                     clock):
    admin = staff("group_admin", store=store_bj)
    client.force_login(admin)
    page = client.get(reverse("reports:report", args=["probe"]),
                      {"from": "2026-11-01", "to": "2026-11-02", "store": "all"})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="table-stores"' in html
    assert {c[0] for c in asked_for} == {"BJ01", "SH01"}
    assert "1,000.50" in html and "250.25" in html and "1,250.75" in html  # the sum
    one = client.get(reverse("reports:report", args=["probe"]), {"store": "SH01"})
    assert "250.25" in one.content.decode() and "1,000.50" not in one.content.decode()
    book = load_workbook(BytesIO(client.get(
        reverse("reports:report", args=["probe"]),
        {"from": "2026-11-01", "to": "2026-11-02", "store": "all", "format": "xlsx"}).content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:3]] == ["BJ01", "SH01"] and rows[3][3] == 1250.75


def test_fn7_a_store_user_cannot_open_another_store_or_a_report_without_permission(
        client, probe, manager, staff, store_bj, store_sh, clock):
    client.force_login(manager)
    url = reverse("reports:report", args=["probe"])
    assert client.get(url, {"store": "SH01"}).status_code == 403
    side = client.get(url, {"store": "all"})  # only the stores the user may open: one
    assert side.status_code == 200 and {c[0] for c in asked_for} == {"BJ01"}
    technician = staff("technician", store=store_bj)
    client.force_login(technician)
    assert client.get(url).status_code == 403
    index = client.get(reverse("reports:index")).content.decode()
    assert 'data-report="probe"' not in index
    client.force_login(manager)
    assert 'data-report="probe"' in client.get(reverse("reports:index")).content.decode()
    assert client.get(reverse("reports:report", args=["no-such"])).status_code == 404


def test_fn7_api_returns_the_report_and_downloads_it(api, probe, manager, store_bj, clock):
    client = api(manager, store_bj)
    listed = client.get("/api/v1/reports/")
    assert listed.status_code == 200 and "probe" in [r["key"] for r in listed.json()]
    response = client.get("/api/v1/reports/probe/", {"from": "2026-11-01", "to": "2026-11-10"})
    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"], body["store"]) == ("2026-11-01", "2026-11-10", "BJ01")
    assert body["summary"] == {"days": 10, "amount": "1000.50", "rate": "12.5", "hours": "1.5"}
    table = body["tables"][0]
    assert table["columns"][2] == {"key": "amount", "label": "Amount", "kind": "money"}
    assert table["rows"] == [{"store": "BJ01", "days": 10, "amount": "1000.50",
                              "first": "2026-11-01"}]
    download = client.get("/api/v1/reports/probe/", {"format": "xlsx"})
    assert download.status_code == 200 and download["Content-Type"] == XLSX_CONTENT_TYPE
    assert load_workbook(BytesIO(download.content)).worksheets[0]["A2"].value == "BJ01"


def test_fn7_api_bad_input_names_the_parameter_and_scoping_is_enforced(
        api, probe, manager, staff, store_bj, store_sh, clock):
    client = api(manager, store_bj)
    bad = client.get("/api/v1/reports/probe/", {"from": "1.11.2026"})
    assert bad.status_code == 400 and "from" in bad.json()
    reversed_period = client.get("/api/v1/reports/probe/", {"from": "2026-11-10",
                                                            "to": "2026-11-01"})
    assert reversed_period.status_code == 400 and "to" in reversed_period.json()
    assert client.get("/api/v1/reports/probe/", {"store": "SH01"}).status_code == 403
    assert client.get("/api/v1/reports/no-such/").status_code == 404
    cashier = staff("cashier", store=store_bj)
    assert api(cashier, store_bj).get("/api/v1/reports/probe/").status_code == 403
    admin = staff("group_admin", store=store_bj)
    side = api(admin, store_bj).get("/api/v1/reports/probe/", {"store": "all"}).json()
    assert side["store"] == "all" and side["stores"] == ["BJ01", "SH01"]
    assert [r["amount"] for r in side["tables"][0]["rows"]] == ["1000.50", "250.25"]
    assert side["summary"]["amount"] == "1250.75"
    # Counts, money and amounts (hours) add up across stores; a rate does not.
    assert side["summary"]["hours"] == "3.0" and "rate" not in side["summary"]
