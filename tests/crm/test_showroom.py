"""CS-9 showroom log and statistics, CS-8 lost-lead analysis, through the pages."""

import datetime as dt
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from siwei.core.models import AuditEvent, Employee
from siwei.crm.models import LossReason, ShowroomVisit, VisitKind
from siwei.crm.selectors import showroom_statistics
from siwei.crm.services import (
    customer_create,
    lead_approve_loss,
    lead_create,
    lead_request_loss,
    showroom_visit_log,
)
from siwei.sales import reports
from tests.sales_factories import make_model

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 10, month: int = 11, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SH)


def workbook_rows(response, index=0):
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(BytesIO(response.content))
    return [list(row) for row in book.worksheets[index].iter_rows(values_only=True)]


def num(value):
    return None if value is None else Decimal(str(value))


@pytest.fixture
def people(staff, store_bj):
    def named(role, name):
        user = staff(role, store=store_bj)
        Employee.objects.filter(user=user).update(name=name)
        user.refresh_from_db()
        return user

    class People:
        receptionist = named("receptionist", "前台小王")
        a = named("sales_consultant", "张伟")
        b = named("sales_consultant", "李娜")
        manager = named("sales_manager", "赵经理")

    return People


@pytest.fixture
def models(group):
    return make_model(group, name="朗逸")[0], make_model(group, name="途观")[0]


def log(people, store, kind="walk_in", **extra):
    return showroom_visit_log(actor=people.receptionist, store=store, kind=kind, **extra)


# --- CS-9 showroom log ---------------------------------------------------------------


def test_cs9_receptionist_logs_a_walk_in_with_the_quick_form(client, people, store_bj, models,
                                                             clock):
    client.force_login(people.receptionist)
    response = client.get(reverse("crm:showroom"))
    assert response.status_code == 200
    form = response.context["form"]
    assert 'value="2026-11-22T09:00"' in str(form["time_in"])  # time in defaults to now
    # The store's sales consultants (not the manager, not the receptionist).
    assert {c.pk for c in form.fields["consultant"].queryset} == {people.a.pk, people.b.pk}
    response = client.post(reverse("crm:showroom"), {
        "action": "log", "kind": "walk_in", "time_in": "2026-11-22T08:45", "party_size": 3,
        "first_visit": "on", "models": [models[0].pk, models[1].pk], "consultant": people.a.pk,
        "visitor_name": "刘先生", "visitor_mobile": "+86 139 1234 5678", "test_drive": "on",
        "notes": "想看SUV"})
    assert response.status_code == 302
    visit = ShowroomVisit.objects.get()
    assert (visit.kind, visit.party_size, visit.first_visit, visit.consultant,
            visit.visitor_mobile, visit.test_drive, visit.logged_by) == (
        VisitKind.WALK_IN, 3, True, people.a, "13912345678", True, people.receptionist)
    assert visit.time_in == at(22, 8, minute=45) and visit.info_left
    assert set(visit.models_of_interest.all()) == set(models)
    response = client.get(reverse("crm:showroom"))
    assert [v.pk for v in response.context["visits"]] == [visit.pk]
    counters = response.context["counters"]
    assert (counters["walk_ins"], counters["first_visits"], counters["info_left_rate"],
            counters["test_drive_rate"]) == (1, 1, Decimal("100.0"), Decimal("100.0"))
    assert response.context["open_visits"] == 1


def test_cs9_mobile_of_a_known_customer_links_the_visit(client, people, store_bj, clock):
    customer = customer_create(actor=people.a, store=store_bj, name="老客户",
                               mobile="13811112222")
    client.force_login(people.receptionist)
    client.post(reverse("crm:showroom"), {
        "action": "log", "kind": "walk_in", "time_in": "2026-11-22T08:50", "party_size": 1,
        "visitor_mobile": "13811112222"})
    assert ShowroomVisit.objects.get().customer == customer


def test_cs9_bad_input_is_shown_at_the_field(client, people, store_bj, clock):
    client.force_login(people.receptionist)
    response = client.post(reverse("crm:showroom"), {
        "action": "log", "kind": "walk_in", "time_in": "2026-11-22T10:30", "party_size": 0,
        "visitor_mobile": "12345"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"party_size", "visitor_mobile", "time_in"}  # 10:30 is the future
    html = response.content.decode()
    assert 'data-error-for="visitor_mobile"' in html and 'data-error-for="party_size"' in html
    response = client.post(reverse("crm:showroom"), {
        "action": "log", "kind": "call", "time_in": "2026-11-22T08:30", "party_size": 1,
        "test_drive": "on"})
    assert set(response.context["form"].errors) == {"test_drive"}
    assert not ShowroomVisit.objects.exists()


def test_cs9_left_button_records_time_out(client, people, store_bj, store_sh, staff, clock):
    visit = log(people, store_bj, time_in=at(22, 8))
    client.force_login(people.receptionist)
    clock.advance(minutes=30)
    response = client.post(reverse("crm:showroom"), {"action": "checkout", "visit": visit.pk})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.time_out == clock.now()
    # Another store's visit is out of reach.
    other = showroom_visit_log(actor=staff("receptionist", store=store_sh), store=store_sh,
                               kind="walk_in")
    client.post(reverse("crm:showroom"), {"action": "checkout", "visit": other.pk})
    other.refresh_from_db()
    assert other.time_out is None


def test_cs9_info_left_rate_counts_first_visits_only_and_calls_are_not_visits(
        client, people, store_bj, clock):
    customer = customer_create(actor=people.a, store=store_bj, name="客户", mobile="13811113333")
    # First walk-ins: 2 with contact information (a mobile, a known customer), 1 without.
    log(people, store_bj, time_in=at(22, 8), visitor_mobile="13900000001", test_drive=True)
    log(people, store_bj, time_in=at(22, 8, minute=10), customer=customer)
    log(people, store_bj, time_in=at(22, 8, minute=20))
    # Return visits with information: neither numerator nor denominator.
    log(people, store_bj, time_in=at(22, 8, minute=30), first_visit=False,
        visitor_mobile="13900000002")
    log(people, store_bj, time_in=at(22, 8, minute=40), first_visit=False,
        visitor_mobile="13900000003")
    # Calls with a number: not visits.
    log(people, store_bj, kind="call", time_in=at(22, 8, minute=50),
        visitor_mobile="13900000004")
    log(people, store_bj, kind="call", time_in=at(22, 8, minute=55),
        visitor_mobile="13900000005")
    # Yesterday does not count today.
    log(people, store_bj, time_in=at(21, 15), visitor_mobile="13900000006")
    client.force_login(people.receptionist)
    counters = client.get(reverse("crm:showroom")).context["counters"]
    assert (counters["walk_ins"], counters["calls"], counters["first_visits"],
            counters["first_with_info"]) == (5, 2, 3, 2)
    assert counters["info_left_rate"] == Decimal("66.7")  # 2 / 3, not 4 / 5 or 6 / 7
    assert counters["test_drive_rate"] == Decimal("20.0")  # 1 of 5 walk-ins
    # The same figures as the CRM selector.
    selector = showroom_statistics(store=store_bj, start=clock.today(), end=clock.today())
    for key in ("walk_ins", "calls", "first_visits", "first_with_info", "test_drives"):
        assert counters[key] == selector[key]


def test_cs9_log_needs_the_permission(client, people, staff, store_bj):
    client.force_login(people.a)  # consultants do not keep the log
    assert client.get(reverse("crm:showroom")).status_code == 403
    assert client.post(reverse("crm:showroom"), {"action": "log", "kind": "walk_in"}
                       ).status_code == 403
    client.force_login(staff("cashier", store=store_bj))
    assert client.get(reverse("crm:showroom-stats")).status_code == 403


# --- CS-9 statistics -----------------------------------------------------------------


@pytest.fixture
def november(people, store_bj, clock):
    """Visits on 3, 4 and 20 November, and one on each side of the month."""
    a, b = people.a, people.b
    log(people, store_bj, time_in=at(3, 9), consultant=a, visitor_mobile="13900000001",
        test_drive=True)
    log(people, store_bj, time_in=at(3, 10), consultant=b)
    log(people, store_bj, time_in=at(3, 11), consultant=a, first_visit=False)
    log(people, store_bj, kind="call", time_in=at(3, 12), visitor_mobile="13900000002")
    log(people, store_bj, time_in=at(4, 23, minute=30), consultant=b,
        visitor_mobile="13900000003")  # late evening, still the 4th in Shanghai
    log(people, store_bj, kind="call", time_in=at(20, 9))
    log(people, store_bj, time_in=at(20, 10), consultant=a, visitor_mobile="13900000004",
        test_drive=True)
    log(people, store_bj, time_in=at(31, 23, month=10))
    log(people, store_bj, time_in=at(1, 0, month=12) + dt.timedelta(minutes=1))


def test_cs9_statistics_month_is_the_sum_of_its_days(client, people, november, store_bj,
                                                    clock):
    client.force_login(people.receptionist)
    response = client.get(reverse("crm:showroom-stats"), {"month": "2026-11"})
    assert response.status_code == 200
    result = response.context["result"]
    days = {r["day"]: r for r in result["days"]}
    assert len(days) == 22  # month to date: 1 … 22 November
    assert (days[dt.date(2026, 11, 3)]["walk_ins"], days[dt.date(2026, 11, 3)]["calls"],
            days[dt.date(2026, 11, 3)]["first_visits"],
            days[dt.date(2026, 11, 3)]["info_left_rate"]) == (3, 1, 2, Decimal("50.0"))
    assert days[dt.date(2026, 11, 4)]["walk_ins"] == 1
    assert days[dt.date(2026, 11, 4)]["info_left_rate"] == Decimal("100.0")
    assert days[dt.date(2026, 11, 5)]["info_left_rate"] is None  # nobody came
    totals = result["totals"]
    for key in reports.SHOWROOM_COUNTS:
        assert totals[key] == sum(r[key] for r in result["days"]), key
    assert (totals["walk_ins"], totals["calls"], totals["first_visits"],
            totals["first_with_info"], totals["test_drives"]) == (5, 2, 4, 3, 2)
    assert totals["info_left_rate"] == Decimal("75.0")
    assert totals["test_drive_rate"] == Decimal("40.0")
    selector = showroom_statistics(store=store_bj, start=dt.date(2026, 11, 1),
                                   end=dt.date(2026, 11, 22))
    assert {k: selector[k] for k in ("walk_ins", "calls", "first_visits")} == {
        "walk_ins": 5, "calls": 2, "first_visits": 4}
    html = response.content.decode()
    assert 'data-chart="chart-showroom"' in html and 'id="chart-showroom"' in html
    assert "75.0%" in html
    chart = response.context["chart"]
    assert sum(next(s for s in chart["series"] if s["type"] == "bar")["data"]) == 5
    # A past month is complete.
    october = client.get(reverse("crm:showroom-stats"), {"month": "2026-10"}).context["result"]
    assert len(october["days"]) == 31 and october["totals"]["walk_ins"] == 1


def test_cs9_statistics_orders_and_conversion(client, people, november, store_bj, group,
                                             staff, clock):
    from siwei.finance.services import payment_record
    from siwei.sales.services import order_confirm, order_create

    model, trim = make_model(group)
    cashier = staff("cashier", store=store_bj)
    customer = customer_create(actor=people.a, store=store_bj, name="陈明",
                               mobile="13811112222")
    clock.set(at(20, 11))
    order = order_create(actor=people.a, store=store_bj, customer=customer, model=model,
                         trim=trim, vehicle_price=Decimal("118000"))
    payment_record(actor=cashier, store=store_bj, sales_order=order, amount=Decimal("5000"),
                   method="cash")
    order_confirm(actor=people.a, order=order)
    order_create(actor=people.a, store=store_bj, customer=customer, model=model, trim=trim,
                 vehicle_price=Decimal("118000"))  # a quote is not an order
    clock.set(at(22, 9))
    client.force_login(people.manager)
    result = client.get(reverse("crm:showroom-stats")).context["result"]
    day = next(r for r in result["days"] if r["day"] == dt.date(2026, 11, 20))
    assert (day["orders"], day["conversion_rate"]) == (1, Decimal("100.0"))
    assert (result["totals"]["orders"], result["totals"]["conversion_rate"]) == (
        1, Decimal("20.0"))


def test_cs9_statistics_xlsx_has_the_numbers(client, people, november, clock):
    client.force_login(people.manager)
    download = client.get(reverse("crm:showroom-stats"), {"month": "2026-11", "format": "xlsx"},
                          follow=True)  # the report catalogue's download (FN-7)
    assert download.redirect_chain[0][0].startswith(
        reverse("reports:report", args=["showroom-statistics"]))
    rows = workbook_rows(download)
    assert len(rows) == 1 + 22 + 1  # header, days, month total
    third = next(r for r in rows[1:] if r[0] == dt.datetime(2026, 11, 3))
    assert third[1:5] == [3, 1, 2, 1] and num(third[5]) == Decimal("50")
    total = rows[-1]
    assert total[1:5] == [5, 2, 4, 3] and num(total[5]) == Decimal("75")
    assert total[6] == 2 and num(total[7]) == Decimal("40")


# --- CS-8 lost-lead analysis ---------------------------------------------------------


@pytest.fixture
def losses(people, store_bj, models, clock):
    """Lost leads of two consultants, counted by hand in the test."""
    langyi, tiguan = models
    numbers = iter(range(1000))

    def lost(by, reason, when, interest=(), detail="", approve=True):
        clock.set(when - dt.timedelta(days=20))
        customer = customer_create(actor=by, store=store_bj, name=f"客户{next(numbers)}",
                                   mobile=f"1350000{next(numbers):04d}")
        lead = lead_create(actor=by, store=store_bj, customer=customer, source="walk_in",
                           grade="B", models=list(interest))
        clock.set(when - dt.timedelta(hours=1))
        lead_request_loss(actor=by, lead=lead, reason=reason, detail=detail)
        if approve:
            clock.set(when)
            lead_approve_loss(actor=people.manager, lead=lead)
        return lead

    a, b = people.a, people.b
    lost(a, "price", at(10, month=9), [langyi])
    lost(a, "other_brand", at(5, month=10), [langyi, tiguan], detail="比亚迪")
    lost(a, "price", at(2), [tiguan])
    lost(b, "unreachable", at(3), [langyi])
    lost(b, "price", at(10))
    lost(b, "price", at(20, month=8), [langyi])  # before the period
    lost(b, "postponed", at(15), [tiguan], approve=False)  # awaiting approval
    clock.set(at(22, 9))


def test_cs8_lost_leads_by_reason_model_consultant_and_month(client, people, losses, models):
    client.force_login(people.manager)
    response = client.get(reverse("crm:lost-analysis"),
                          {"start": "2026-09-01", "end": "2026-11-30"})
    assert response.status_code == 200
    analysis = response.context["analysis"]
    codes = [code for code, _label in analysis["reason_labels"]]

    def counts(row):
        return {code: n for code, n in zip(codes, row["counts"], strict=True) if n}

    assert analysis["total"] == 5
    assert {r["code"]: r["n"] for r in analysis["reasons"] if r["n"]} == {
        "price": 3, "other_brand": 1, "unreachable": 1}
    by_model = {str(r["label"]): counts(r) for r in analysis["models"]}
    assert by_model == {
        "大众 朗逸": {"price": 1, "other_brand": 1, "unreachable": 1},
        "大众 途观": {"other_brand": 1, "price": 1},
        str(next(r["label"] for r in analysis["models"] if r["key"] is None)): {"price": 1},
    }
    by_consultant = {r["label"]: counts(r) for r in analysis["consultants"]}
    assert by_consultant == {"张伟": {"price": 2, "other_brand": 1},
                             "李娜": {"unreachable": 1, "price": 1}}
    by_month = {r["label"]: counts(r) for r in analysis["months"]}
    assert by_month == {"2026-09": {"price": 1}, "2026-10": {"other_brand": 1},
                        "2026-11": {"price": 2, "unreachable": 1}}
    pie = response.context["pie"]["series"][0]["data"]
    assert sorted(d["value"] for d in pie) == [1, 1, 3]
    html = response.content.decode()
    assert 'data-chart="chart-lost-reasons"' in html and "比亚迪" in html
    assert len(response.context["page"].object_list) == 5


def test_cs8_default_period_and_xlsx(client, people, losses):
    client.force_login(people.manager)
    response = client.get(reverse("crm:lost-analysis"))
    period = response.context["period"]
    assert (period.start, period.end) == (dt.date(2026, 6, 1), dt.date(2026, 11, 22))
    assert response.context["analysis"]["total"] == 6  # August's loss is in
    response = client.get(reverse("crm:lost-analysis"),
                          {"start": "2026-09-01", "end": "2026-11-30", "format": "xlsx"},
                          follow=True)  # the report catalogue's download (FN-7)
    assert response.redirect_chain[0][0].startswith(
        reverse("reports:report", args=["lost-leads"]))
    by_reason = workbook_rows(response, 0)
    price_row = next(i for i, (code, _l) in enumerate(LossReason.choices) if code == "price")
    assert by_reason[1 + price_row][1] == 3 and by_reason[-1][1] == 5
    by_consultant = workbook_rows(response, 2)
    zhang = next(r for r in by_consultant if r[0] == "张伟")
    assert zhang[1 + price_row] == 2 and zhang[-1] == 3
    by_month = workbook_rows(response, 3)
    assert [r[0] for r in by_month[1:]] == ["2026-09", "2026-10", "2026-11"]
    detail = workbook_rows(response, 4)
    assert len(detail) == 6 and any(r[5] == "比亚迪" for r in detail)
    assert AuditEvent.objects.filter(action="report.export",
                                     object_id="lost-leads").count() == 1


def test_cs8_bad_period_is_refused_at_the_field(client, people, losses):
    client.force_login(people.manager)
    response = client.get(reverse("crm:lost-analysis"),
                          {"start": "2026-11-30", "end": "2026-09-01"})
    assert response.status_code == 200 and "end" in response.context["form"].errors


def test_cs8_consultants_cannot_open_the_analysis(client, people):
    client.force_login(people.a)
    assert client.get(reverse("crm:lost-analysis")).status_code == 403
