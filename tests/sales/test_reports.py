"""CS-10 test drives, CS-11 targets, CS-12 三表一卡 and CS-20 consultant performance,
through the pages, with hand-computed figures."""

import datetime as dt
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from siwei.core.errors import DomainError
from siwei.core.models import AuditEvent
from siwei.crm.models import Activity, ActivityType, CustomerCategory, LeadStatus
from siwei.crm.services import (
    customer_create,
    lead_approve_loss,
    lead_create,
    lead_log_activity,
    lead_request_loss,
    showroom_visit_log,
)
from siwei.finance.services import payment_record
from siwei.sales import models as sales_models
from siwei.sales import reports
from siwei.sales.models import SalesTarget
from siwei.sales.services import (
    order_allocate,
    order_confirm,
    order_create,
    order_deliver,
    order_release_certificate,
)
from siwei.sales.services import stock as stock_services
from siwei.sales.services.delivery import CHECKLIST
from siwei.sales.services.targets import target_set

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOV = dt.date(2026, 11, 1)


def at(day: int, hour: int = 10, month: int = 11, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SH)


def page(client, user, name, **params):
    client.force_login(user)
    return client.get(reverse(name), params)


def workbook_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")
    book = load_workbook(BytesIO(response.content))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def row_of(rows, name):
    return next(r for r in rows if r[0] == name)


def num(value):
    return None if value is None else Decimal(str(value))


# --- a month of sales in store BJ01 -------------------------------------------------


@pytest.fixture
def consultant_b(staff, store_bj):
    from siwei.core.models import Employee

    user = staff("sales_consultant", store=store_bj)
    Employee.objects.filter(user=user).update(name="李娜")
    user.refresh_from_db()
    return user


@pytest.fixture
def demo_car(stock):
    return stock(900, is_demo=True)


def sell(team, store, customer, lead, consultant, vehicle, *, lines, confirm_at, deliver_at=None,
         **extra):
    """Quote, pay in full and confirm at ``confirm_at``; deliver at ``deliver_at``."""
    from siwei.core import clock as core_clock

    clock = core_clock._clock
    clock.set(confirm_at - dt.timedelta(hours=1))
    order = order_create(actor=consultant, store=store, customer=customer, lead=lead,
                         model=vehicle.model, trim=vehicle.trim, colour="白色",
                         vehicle_price=Decimal("118000.00"), lines=lines,
                         registration_fee=Decimal("800.00"), **extra)
    payment_record(actor=team.cashier, store=store, sales_order=order, amount=order.total,
                   method="transfer")
    clock.set(confirm_at)
    order_confirm(actor=consultant, order=order)
    if deliver_at is None:
        return order
    clock.set(deliver_at - dt.timedelta(hours=2))
    order = order_allocate(actor=consultant, order=order, stock_vehicle=vehicle)
    order = order_release_certificate(actor=team.cashier, order=order)
    clock.set(deliver_at)
    order_deliver(actor=consultant, order=order, checklist={k: True for k, _l in CHECKLIST},
                  signature="data:image/png;base64,AAA")
    order.refresh_from_db()
    return order


@pytest.fixture
def month(team, consultant_b, store_bj, catalogue, stock, demo_car, clock):
    """November 2026 up to the 22nd 09:00 (the clock), for consultant A (team.consultant)
    and consultant B. Every figure below is counted by hand in the tests."""
    a, b, store = team.consultant, consultant_b, store_bj
    model = catalogue["model"]

    def customer(name, mobile, by):
        return customer_create(actor=by, store=store, name=name, mobile=mobile)

    def lead(cust, by, grade, when):
        clock.set(when)
        return lead_create(actor=by, store=store, customer=cust, source="walk_in", grade=grade,
                           models=[model])

    def log(by, kind, when, **extra):
        clock.set(when)
        return showroom_visit_log(actor=team.manager, store=store, kind=kind, time_in=when,
                                  consultant=by, **extra)

    # Showroom log: A receives 3 walk-ins (2 first visits, 1 with info) and a call;
    # B one first visit with info; one walk-in nobody took; one in October.
    log(a, "walk_in", at(3, 10), visitor_mobile="13900000001")
    log(a, "walk_in", at(3, 11))
    log(a, "walk_in", at(5, 10), first_visit=False, visitor_mobile="13900000002")
    log(a, "call", at(5, 11), visitor_mobile="13900000003")
    log(b, "walk_in", at(6, 10), visitor_mobile="13900000004")
    log(None, "walk_in", at(7, 10))
    log(a, "walk_in", at(30, 10, month=10), visitor_mobile="13900000005")

    clock.set(at(1, 8, month=10))
    c = {name: customer(name, f"1380000{i:04d}", a if name.startswith("a") else b)
         for i, name in enumerate(["a1", "a2", "a3", "a4", "b1", "b2", "b3"])}
    leads = {
        "a1": lead(c["a1"], a, "B", at(20, 10, month=10)),
        "b3": lead(c["b3"], b, "C", at(1, 10, month=10) + dt.timedelta(hours=1)),
        "a4": lead(c["a4"], a, "H", at(1, 9)),
        "a2": lead(c["a2"], a, "H", at(4, 10)),
        "a3": lead(c["a3"], a, "A", at(5, 10)),
        "b1": lead(c["b1"], b, "H", at(6, 10)),
        "b2": lead(c["b2"], b, "A", at(7, 10)),
    }
    # Contacts (CS-7).
    clock.set(at(8, 9))
    stock_services.test_drive_book(
        actor=a, store=store, vehicle=demo_car, customer=c["a2"], start=at(8, 10),
        end=at(8, 10, minute=30), licence_number="110101199001011234", lead=leads["a2"])
    for when, by, key, kind in [
        (at(31, 10, month=10), a, "a1", ActivityType.CALL),  # October: not counted
        (at(9, 10), a, "a1", ActivityType.CALL),
        (at(10, 10), a, "a1", ActivityType.CALL),
        (at(10, 9), a, "a3", ActivityType.WECHAT),
        (at(10, 15), b, "b1", ActivityType.STORE_VISIT),
        (at(11, 10), b, "b2", ActivityType.CALL),
    ]:
        clock.set(when)
        lead_log_activity(actor=by, lead=leads[key], type=kind, content="跟进")
    # Lost leads (CS-8): a3 for the price, b3 to another brand.
    clock.set(at(10, 10))
    lead_request_loss(actor=a, lead=leads["a3"], reason="price")
    clock.set(at(10, 11))
    lead_approve_loss(actor=team.manager, lead=leads["a3"])
    clock.set(at(12, 10))
    lead_request_loss(actor=b, lead=leads["b3"], reason="other_brand", detail="比亚迪")
    lead_approve_loss(actor=team.manager, lead=leads["b3"])
    # Sales: A sells a2 (accessory 600 sold, a gift; insurance and a loan), delivered on the
    # 15th; B sells b1 (2 × 500 sold; a loan, no insurance) delivered on the 20th, and b2 is
    # confirmed on the 18th, not delivered.
    order_a2 = sell(
        team, store, c["a2"], leads["a2"], a, stock(1), confirm_at=at(10, 12),
        deliver_at=at(15, 10), insurance_company="人保", insurance_premium=Decimal("4000"),
        insurance_commission=Decimal("1500"), finance_bank="工商银行",
        loan_amount=Decimal("50000"), finance_commission=Decimal("2000"),
        lines=[{"description": "脚垫", "quantity": 1, "unit_price": Decimal("600"),
                "unit_cost": Decimal("200")},
               {"description": "行车记录仪", "quantity": 1, "unit_price": Decimal("0"),
                "unit_cost": Decimal("300"), "is_gift": True}])
    order_b1 = sell(
        team, store, c["b1"], leads["b1"], b, stock(2), confirm_at=at(12, 12),
        deliver_at=at(20, 10), finance_bank="建设银行", loan_amount=Decimal("60000"),
        finance_commission=Decimal("1000"),
        lines=[{"description": "贴膜", "quantity": 2, "unit_price": Decimal("500"),
                "unit_cost": Decimal("200")}])
    order_b2 = sell(team, store, c["b2"], leads["b2"], b, stock(3), confirm_at=at(18, 12),
                    lines=[])
    clock.set(at(22, 9))
    return {"a": a, "b": b, "customers": c, "leads": leads, "orders": (order_a2, order_b1,
                                                                        order_b2)}


def test_month_scenario_is_what_the_tests_count(month):
    """The hand counts below rest on these facts."""
    leads = month["leads"]
    for lead in leads.values():
        lead.refresh_from_db()
    assert leads["a2"].status == leads["b1"].status == LeadStatus.WON
    assert leads["a3"].status == leads["b3"].status == LeadStatus.LOST
    assert leads["b2"].grade == "O"  # the deposit of order b2 made it grade O
    assert [o.gross_profit for o in month["orders"][:2]] == [Decimal("17400.00"),
                                                              Decimal("15400.00")]


# --- CS-12 三表一卡 -------------------------------------------------------------------


def test_cs12_sheet1_target_vs_actual_month_to_date(client, team, month, store_bj):
    a, b = month["a"], month["b"]
    target_set(actor=team.manager, store=store_bj, month=NOV, consultant=a, visits=10,
               orders=4, accessory_revenue=Decimal("1200"), insurance_penetration=50)
    target_set(actor=team.manager, store=store_bj, month=NOV, accessory_revenue=4000,
               insurance_penetration=80, deliveries=4)
    response = page(client, team.manager, "sales:control-sheets", sheet=1, month="2026-11")
    assert response.status_code == 200
    result = response.context["result"]
    assert result["period"] == reports.Period(NOV, dt.date(2026, 11, 22))
    rows = {r["id"]: {c["key"]: c for c in r["cells"]} for r in result["rows"]}
    actual = {k: {key: cell["actual"] for key, cell in v.items()} for k, v in rows.items()}
    assert actual[a.pk] == {
        "visits": 3, "new_leads": 3, "test_drives": 1, "orders": 1, "deliveries": 1,
        "accessory_revenue": Decimal("600.00"), "insurance_penetration": Decimal("100.0"),
        "finance_penetration": Decimal("100.0")}
    assert actual[b.pk] == {
        "visits": 1, "new_leads": 2, "test_drives": 0, "orders": 2, "deliveries": 1,
        "accessory_revenue": Decimal("1000.00"), "insurance_penetration": Decimal("0.0"),
        "finance_penetration": Decimal("100.0")}
    assert rows[a.pk]["visits"]["achieved"] == Decimal("30.0")  # 3 of 10
    assert rows[a.pk]["orders"]["achieved"] == Decimal("25.0")  # 1 of 4
    assert rows[a.pk]["accessory_revenue"]["achieved"] == Decimal("50.0")  # 600 of 1200
    assert rows[a.pk]["insurance_penetration"]["achieved"] == Decimal("200.0")  # 100 of 50
    assert rows[b.pk]["visits"]["target"] is None and rows[b.pk]["visits"]["achieved"] is None
    total = {c["key"]: c for c in result["total"]["cells"]}
    # The store counts the walk-in nobody took too.
    assert {k: c["actual"] for k, c in total.items()} == {
        "visits": 5, "new_leads": 5, "test_drives": 1, "orders": 3, "deliveries": 2,
        "accessory_revenue": Decimal("1600.00"), "insurance_penetration": Decimal("50.0"),
        "finance_penetration": Decimal("100.0")}
    assert total["accessory_revenue"]["achieved"] == Decimal("40.0")
    assert total["insurance_penetration"]["achieved"] == Decimal("62.5")
    assert total["deliveries"]["achieved"] == Decimal("50.0")
    html = response.content.decode()
    assert "¥1,600.00" in html and "62.5%" in html

    # Sheet 1 downloads through the report catalogue (FN-7), for the same month to date.
    download = client.get(reverse("sales:control-sheets"),
                          {"sheet": 1, "month": "2026-11", "format": "xlsx"}, follow=True)
    assert download.redirect_chain[0][0].startswith(
        reverse("reports:report", args=["sales-targets"]))
    assert "from=2026-11-01&to=2026-11-22" in download.redirect_chain[0][0]
    rows = workbook_rows(download)
    line = row_of(rows, "李娜")
    assert line[1:4] == [None, 1, None]  # visits: no target, 1 actual
    assert line[10:13] == [None, 2, None]  # orders
    assert line[16] is None and num(line[17]) == Decimal("1000")  # accessory revenue
    assert num(rows[-1][23]) == Decimal("100")  # store finance penetration


def test_cs12_sheet1_an_earlier_month_is_the_whole_month(client, team, month):
    response = page(client, team.manager, "sales:control-sheets", sheet=1, month="2026-10")
    result = response.context["result"]
    assert result["period"] == reports.Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    total = {c["key"]: c["actual"] for c in result["total"]["cells"]}
    assert total["visits"] == 1 and total["new_leads"] == 2 and total["orders"] == 0
    assert total["insurance_penetration"] is None  # no deliveries: no penetration


def test_cs12_sheet2_daily_activity_per_consultant(client, team, month):
    a, b = month["a"], month["b"]
    response = page(client, team.manager, "sales:control-sheets", sheet=2, day="2026-11-10")
    result = response.context["result"]
    types = [code for code, _label in result["types"]]
    rows = {r["id"]: r for r in result["rows"]}
    by_type = {pk: dict(zip(types, r["contacts"], strict=True)) for pk, r in rows.items()}
    assert by_type[a.pk] == {**dict.fromkeys(types, 0), "call": 1, "wechat": 1}
    assert by_type[b.pk] == {**dict.fromkeys(types, 0), "store_visit": 1}
    assert (rows[a.pk]["contacts_total"], rows[a.pk]["orders"], rows[a.pk]["deliveries"],
            rows[a.pk]["new_leads"]) == (2, 1, 0, 0)
    assert result["total"]["contacts_total"] == 3
    # The 8th: A's test drive, logged as a contact and as a test drive.
    result = page(client, team.manager, "sales:control-sheets", sheet=2,
                  day="2026-11-08").context["result"]
    row = next(r for r in result["rows"] if r["id"] == a.pk)
    assert row["contacts"][types.index("test_drive")] == 1 and row["test_drives"] == 1

    rows = workbook_rows(client.get(reverse("sales:control-sheets"),
                                    {"sheet": 2, "day": "2026-11-10", "format": "xlsx"}))
    line = row_of(rows, "李娜")
    assert line[1 + types.index("store_visit")] == 1
    assert rows[-1][1 + len(types)] == 3  # total contacts


def test_cs12_sheet3_lead_contact_status_overdue_by_the_clock(client, team, month, clock):
    a, leads = month["a"], month["leads"]
    response = page(client, team.manager, "sales:control-sheets", sheet=3)
    listed = {lead.pk: lead for lead in response.context["page"]}
    # Open leads: a1 (B, contacted 9th and 10th), a4 (H, never contacted), b2 (O).
    assert set(listed) == {leads["a1"].pk, leads["a4"].pk, leads["b2"].pk}
    a4, a1, b2 = listed[leads["a4"].pk], listed[leads["a1"].pk], listed[leads["b2"].pk]
    # a4: created 1 Nov 09:00, grade H: due on the 3rd; today is the 22nd.
    assert a4.next_follow_up_at == at(3, 9) and a4.overdue_days == 19
    assert a4.contact_count == 0 and a4.last_contact_at is None
    # a1: grade B, last contact 10 Nov 10:00 → due on the 25th: not overdue.
    assert a1.next_follow_up_at == at(25, 10) and a1.overdue_days is None
    assert a1.contact_count == 3  # 31 Oct, 9 and 10 Nov
    # b2: grade O since the deposit (7 days from its last contact on the 11th).
    assert b2.grade == "O" and b2.next_follow_up_at == at(18, 10) and b2.overdue_days == 4
    # The most overdue first.
    assert [lead.pk for lead in response.context["page"]] == [a4.pk, b2.pk, a1.pk]
    only_overdue = page(client, team.manager, "sales:control-sheets", sheet=3, overdue="on")
    assert {lead.pk for lead in only_overdue.context["page"]} == {a4.pk, b2.pk}

    # A consultant sees only their own leads, whatever they ask for.
    response = page(client, a, "sales:control-sheets", sheet=3, consultant=month["b"].pk)
    assert {lead.pk for lead in response.context["page"]} == {a1.pk, a4.pk}
    rows = workbook_rows(client.get(reverse("sales:control-sheets"),
                                    {"sheet": 3, "format": "xlsx"}))
    assert [r[0] for r in rows[1:]] == ["a4", "a1"]
    assert rows[1][8] == 19 and rows[2][8] is None and rows[1][9] == 0
    assert AuditEvent.objects.filter(action="report.export", object_id="control_sheet_3",
                                     actor=a).exists()
    # Tomorrow, everything is one day later.
    clock.advance(days=1)
    response = page(client, a, "sales:control-sheets", sheet=3)
    assert next(lead.overdue_days for lead in response.context["page"]
                if lead.pk == a4.pk) == 20


def test_cs12_sheet4_customer_cards_of_the_consultant(client, team, month):
    a, c = month["a"], month["customers"]
    response = page(client, a, "sales:control-sheets", sheet=4)
    cards = {cust.pk: cust for cust in response.context["page"]}
    assert set(cards) == {c[k].pk for k in ("a1", "a2", "a3", "a4")}
    a1, a2, a3 = cards[c["a1"].pk], cards[c["a2"].pk], cards[c["a3"].pk]
    assert a1.category == CustomerCategory.LEAD and a1.open_grade == "B"
    assert a1.last_contact == at(10, 10) and (a1.leads_total, a1.leads_open) == (1, 1)
    assert a2.category == CustomerCategory.OWNER_NEW and a2.leads_open == 0
    assert a3.category == CustomerCategory.LOST and a3.open_grade is None
    html = response.content.decode()
    assert reverse("crm:customer", args=[c["a2"].pk]) in html
    assert reverse("crm:customer", args=[c["b1"].pk]) not in html
    # The manager sees every consultant's customers.
    response = page(client, team.manager, "sales:control-sheets", sheet=4)
    assert len(response.context["page"].object_list) == 7
    rows = workbook_rows(client.get(reverse("sales:control-sheets"),
                                    {"sheet": 4, "consultant": month["b"].pk,
                                     "format": "xlsx"}))
    assert sorted(r[0] for r in rows[1:]) == ["b1", "b2", "b3"]
    assert row_of(rows, "b2")[3:6] == [1, 1, "O"]


def test_cs12_needs_the_permission(client, staff, store_bj):
    receptionist = staff("receptionist", store=store_bj)
    assert page(client, receptionist, "sales:control-sheets").status_code == 403


def test_cs12_pages_use_bounded_queries(client, team, consultant_b, store_bj, catalogue,
                                        clock, django_assert_max_num_queries):
    """25 leads with contacts, visits and an order: each sheet and the performance page
    stay within a fixed number of queries (no query per row)."""
    for i in range(25):
        by = team.consultant if i % 2 else consultant_b
        customer = customer_create(actor=by, store=store_bj, name=f"客户{i}",
                                   mobile=f"1370000{i:04d}")
        lead = lead_create(actor=by, store=store_bj, customer=customer, source="walk_in",
                           grade="ABC"[i % 3], models=[catalogue["model"]], note="来店")
        lead_log_activity(actor=by, lead=lead, type=ActivityType.CALL, content="回访")
        showroom_visit_log(actor=team.manager, store=store_bj, kind="walk_in",
                           consultant=by, visitor_mobile=f"1360000{i:04d}")
    client.force_login(team.manager)
    for sheet in ("1", "2", "3", "4"):
        with django_assert_max_num_queries(21):
            response = client.get(reverse("sales:control-sheets"), {"sheet": sheet})
        assert response.status_code == 200
        with django_assert_max_num_queries(21):
            response = client.get(reverse("sales:control-sheets"),
                                  {"sheet": sheet, "format": "xlsx"}, follow=True)
        assert response.status_code == 200
    with django_assert_max_num_queries(22):
        assert client.get(reverse("sales:performance")).status_code == 200
    # The download: the page's redirect, then the catalogue (its audit record included).
    with django_assert_max_num_queries(24):
        assert client.get(reverse("sales:performance"), {"format": "xlsx"},
                          follow=True).status_code == 200


# --- CS-20 consultant performance ----------------------------------------------------


def test_cs20_consultant_performance_for_two_consultants(client, team, month):
    a, b = month["a"], month["b"]
    response = page(client, team.manager, "sales:performance", month="2026-11")
    assert response.status_code == 200
    result = response.context["result"]
    types = [code for code, _l in result["types"]]
    reasons = [code for code, _l in result["reasons"]]
    rows = {r["id"]: r for r in result["rows"]}
    ra, rb = rows[a.pk], rows[b.pk]
    assert (ra["leads_kept"], ra["owners_kept"], ra["new_leads"]) == (2, 1, 3)  # a1, a4
    assert (rb["leads_kept"], rb["owners_kept"], rb["new_leads"]) == (1, 1, 2)  # b2
    assert (ra["first_visits"], ra["first_with_info"], ra["info_left_rate"]) == (
        2, 1, Decimal("50.0"))
    assert rb["info_left_rate"] == Decimal("100.0")
    assert dict(zip(types, ra["activities"], strict=True)) == {
        **dict.fromkeys(types, 0), "call": 2, "wechat": 1, "test_drive": 1}
    assert dict(zip(types, rb["activities"], strict=True)) == {
        **dict.fromkeys(types, 0), "call": 1, "store_visit": 1}
    assert (ra["orders"], ra["deliveries"], rb["orders"], rb["deliveries"]) == (1, 1, 2, 1)
    assert ra["accessories_per_car"] == Decimal("600.00")
    assert rb["accessories_per_car"] == Decimal("1000.00")
    assert (ra["insurance_penetration"], ra["finance_penetration"]) == (Decimal("100.0"),
                                                                        Decimal("100.0"))
    assert (rb["insurance_penetration"], rb["finance_penetration"]) == (Decimal("0.0"),
                                                                        Decimal("100.0"))
    assert dict(zip(reasons, ra["lost"], strict=True))["price"] == 1 and ra["lost_total"] == 1
    assert dict(zip(reasons, rb["lost"], strict=True))["other_brand"] == 1
    # 118000 − 105000 + (600 − 200) − 300 gift + 1500 + 2000 commissions + 800 fee
    assert ra["gross_profit"] == Decimal("17400.00")
    # 118000 − 105000 + (1000 − 400) + 1000 commission + 800 fee
    assert rb["gross_profit"] == Decimal("15400.00")
    total = result["total"]
    assert total["gross_profit"] == Decimal("32800.00") and total["deliveries"] == 2
    assert total["accessories_per_car"] == Decimal("800.00")
    assert total["info_left_rate"] == Decimal("66.7")  # 2 of 3 (the walk-in nobody took
    # is not a consultant's)
    chart = response.context["chart"]
    assert chart["xAxis"]["data"] == [r["name"] for r in result["rows"]]
    assert [r["deliveries"] for r in result["rows"]] in [s["data"] for s in chart["series"]]
    assert "¥17,400.00" in response.content.decode()

    download = client.get(reverse("sales:performance"), {"month": "2026-11", "format": "xlsx"},
                          follow=True)
    assert download.redirect_chain[0][0].startswith(
        reverse("reports:report", args=["consultant-performance"]))
    rows = workbook_rows(download)
    line = row_of(rows, "李娜")
    assert line[1:4] == [1, 1, 2]
    assert num(line[-1]) == Decimal("15400")
    assert num(rows[-1][-1]) == Decimal("32800")


def test_cs20_consultants_cannot_open_performance(client, team):
    assert page(client, team.consultant, "sales:performance").status_code == 403


# --- CS-11 targets -------------------------------------------------------------------


def target_post(rows: dict, month="2026-11"):
    data = {"month": month}
    for prefix, values in rows.items():
        for key, value in values.items():
            data[f"t{prefix}-{key}"] = value
    return data


def test_cs11_consultant_cannot_set_targets(client, team, store_bj, clock):
    client.force_login(team.consultant)
    assert client.get(reverse("sales:targets")).status_code == 403
    response = client.post(reverse("sales:targets"),
                           target_post({"store": {"visits": 100}}))
    assert response.status_code == 403
    assert not SalesTarget.objects.exists()
    with pytest.raises(PermissionDenied):
        target_set(actor=team.consultant, store=store_bj, month=NOV, visits=100)


def test_cs11_manager_sets_targets_and_they_show(client, team, consultant_b, store_bj, clock):
    client.force_login(team.manager)
    response = client.get(reverse("sales:targets"), {"month": "2026-11"})
    assert response.status_code == 200
    names = [str(r["name"]) for r in response.context["rows"]]
    assert "李娜" in names and len(names) == 3  # the store and its two consultants
    response = client.post(reverse("sales:targets"), target_post({
        "store": {"visits": 120, "orders": 30, "accessory_revenue": "50000",
                  "insurance_penetration": "85.5"},
        consultant_b.pk: {"visits": 40, "orders": 10, "finance_penetration": "40"},
    }))
    assert response.status_code == 302
    store_target = SalesTarget.objects.get(store=store_bj, month=NOV, consultant=None)
    assert (store_target.visits, store_target.orders, store_target.accessory_revenue,
            store_target.insurance_penetration) == (120, 30, Decimal("50000.00"),
                                                    Decimal("85.5"))
    own = SalesTarget.objects.get(consultant=consultant_b)
    assert (own.visits, own.orders, own.finance_penetration) == (40, 10, Decimal("40.0"))
    assert not SalesTarget.objects.filter(consultant=team.consultant).exists()  # untouched
    assert AuditEvent.objects.filter(action="sales_target.set").count() == 2
    html = client.get(reverse("sales:targets"), {"month": "2026-11"}).content.decode()
    assert 'value="120"' in html and 'value="85.5"' in html
    # … and on the control sheet.
    result = client.get(reverse("sales:control-sheets"), {"sheet": 1}).context["result"]
    total = {c["key"]: c["target"] for c in result["total"]["cells"]}
    assert total["visits"] == 120 and total["accessory_revenue"] == Decimal("50000.00")
    # Changing one value updates the same row.
    client.post(reverse("sales:targets"), target_post({
        "store": {"visits": 150, "orders": 30, "accessory_revenue": "50000",
                  "insurance_penetration": "85.5"},
        consultant_b.pk: {"visits": 40, "orders": 10, "finance_penetration": "40"}}))
    assert SalesTarget.objects.get(consultant=None).visits == 150
    assert SalesTarget.objects.count() == 2


def test_cs11_bad_target_is_refused_at_the_cell(client, team, store_bj, clock):
    client.force_login(team.manager)
    response = client.post(reverse("sales:targets"), target_post({
        "store": {"visits": -1, "insurance_penetration": "120"}}))
    assert response.status_code == 200
    form = response.context["rows"][0]["form"]
    assert set(form.errors) == {"visits", "insurance_penetration"}
    assert not SalesTarget.objects.exists()
    with pytest.raises(ValidationError) as err:
        target_set(actor=team.manager, store=store_bj, month=NOV, orders="2.5",
                   finance_penetration=101)
    assert set(err.value.message_dict) == {"orders", "finance_penetration"}


def test_cs11_targets_only_for_people_of_the_store(team, store_bj, store_sh, staff):
    outsider = staff("sales_consultant", store=store_sh)
    with pytest.raises(ValidationError) as err:
        target_set(actor=team.manager, store=store_bj, month=NOV, consultant=outsider,
                   visits=5)
    assert "consultant" in err.value.message_dict


# --- CS-10 test drives ---------------------------------------------------------------


@pytest.fixture
def walk_in(team, store_bj):
    customer = customer_create(actor=team.consultant, store=store_bj, name="王强",
                               mobile="13700001111")
    lead = lead_create(actor=team.consultant, store=store_bj, customer=customer,
                       source="walk_in", grade="A")
    return customer, lead


def booking(vehicle, start, end, mobile="13700001111", **extra):
    data = {"action": "book", "vehicle": vehicle.pk, "mobile": mobile,
            "start": f"{start:%Y-%m-%dT%H:%M}", "end": f"{end:%Y-%m-%dT%H:%M}",
            "licence_number": "110101199001011234", "licence_checked": "on",
            "route": "二环"}
    data.update(extra)
    return data


def test_cs10_booking_through_the_page_logs_a_test_drive_contact(client, team, demo_car,
                                                                 walk_in, clock):
    customer, lead = walk_in
    client.force_login(team.consultant)
    response = client.post(reverse("sales:test-drives"),
                           booking(demo_car, at(22, 10), at(22, 10, minute=30)))
    assert response.status_code == 302
    drive = sales_models.TestDrive.objects.get()
    assert (drive.customer, drive.lead, drive.consultant) == (customer, lead, team.consultant)
    assert drive.start == at(22, 10) and drive.licence_checked and drive.route == "二环"
    assert Activity.objects.filter(lead=lead, type=ActivityType.TEST_DRIVE).count() == 1
    response = client.get(reverse("sales:test-drives"))
    assert [d.pk for d in response.context["today_drives"]] == [drive.pk]
    # Back from the road: feedback.
    clock.set(at(22, 10, minute=40))
    response = client.post(reverse("sales:test-drives"),
                           {"action": "finish", "drive": drive.pk, "feedback": "很满意,想看白色"})
    assert response.status_code == 302
    drive.refresh_from_db()
    assert drive.feedback == "很满意,想看白色"


def test_cs10_overlapping_booking_is_refused_on_the_page(client, team, demo_car, walk_in,
                                                         clock):
    customer, _lead = walk_in
    stock_services.test_drive_book(
        actor=team.consultant, store=demo_car.store, vehicle=demo_car, customer=customer,
        start=at(22, 10), end=at(22, 10, minute=30), licence_number="110101199001011234")
    client.force_login(team.consultant)
    response = client.post(reverse("sales:test-drives"),
                           booking(demo_car, at(22, 10, minute=15), at(22, 10, minute=45),
                                   mobile="1111"))
    assert response.status_code == 200
    errors = response.context["book_form"].errors["vehicle"]
    assert "10:00" in errors[0] and "10:30" in errors[0]
    assert errors[0] in response.content.decode()
    assert sales_models.TestDrive.objects.count() == 1
    # Back to back is fine.
    response = client.post(reverse("sales:test-drives"),
                           booking(demo_car, at(22, 10, minute=30), at(22, 11)))
    assert response.status_code == 302 and sales_models.TestDrive.objects.count() == 2


def test_cs10_non_demo_vehicle_is_refused(client, team, stock, walk_in, clock):
    customer, _lead = walk_in
    ordinary = stock(901)
    client.force_login(team.consultant)
    response = client.post(reverse("sales:test-drives"),
                           booking(ordinary, at(22, 10), at(22, 10, minute=30)))
    assert response.status_code == 200
    assert "vehicle" in response.context["book_form"].errors
    assert not sales_models.TestDrive.objects.exists()
    with pytest.raises(DomainError) as err:
        stock_services.test_drive_book(
            actor=team.consultant, store=ordinary.store, vehicle=ordinary, customer=customer,
            start=at(22, 10), end=at(22, 11), licence_number="X1")
    assert err.value.code == "vehicle_unavailable"


def test_cs10_booking_form_refusals_name_the_field(client, team, demo_car, walk_in, clock):
    client.force_login(team.consultant)
    response = client.post(reverse("sales:test-drives"), booking(
        demo_car, at(22, 11), at(22, 10), mobile="13999999999", licence_checked=""))
    errors = response.context["book_form"].errors
    assert set(errors) == {"end", "mobile", "licence_checked"}
    assert not sales_models.TestDrive.objects.exists()


def test_cs10_receptionist_sees_drives_but_cannot_book(client, staff, store_bj, demo_car,
                                                       walk_in, clock):
    receptionist = staff("receptionist", store=store_bj)
    client.force_login(receptionist)
    response = client.get(reverse("sales:test-drives"))
    assert response.status_code == 200 and not response.context["can_book"]
    response = client.post(reverse("sales:test-drives"),
                           booking(demo_car, at(22, 10), at(22, 10, minute=30)))
    assert response.status_code == 403 and not sales_models.TestDrive.objects.exists()
    cashier = staff("cashier", store=store_bj)
    assert page(client, cashier, "sales:test-drives").status_code == 403


def test_cs10_customer_lookup_by_last_four_digits(client, team, walk_in, clock):
    client.force_login(team.consultant)
    response = client.get(reverse("sales:test-drives"), {"lookup": 1, "mobile": "1111"},
                          HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "王强" in response.content.decode()
