"""CR-9: the month's analysis checked against figures computed by hand."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from siwei.care.selectors_feedback import feedback_analysis, period_bounds
from siwei.care.services import feedback as services
from tests.sales_factories import make_model, make_vin

from .feedback_support import *  # noqa: F403 - the fixtures
from .feedback_support import complaint

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(month, day, hour=10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=TZ)


@pytest.fixture
def november(team, store_bj, customer, group, clock, no_suggestion):
    """Seven records received in November 2026, one in October and one in July."""
    from siwei.crm.services import customer_create, vehicle_create

    model, _trim = make_model(group)
    car = vehicle_create(actor=team.cs, store=store_bj, vin=make_vin(4001), plate="京B12345",
                         owner=customer, model=model)
    second = customer_create(actor=team.cs, store=store_bj, name="李娜", mobile="13611112222")
    third = customer_create(actor=team.cs, store=store_bj, name="王强", mobile="13722223333")
    now = clock.now()

    def make(received, **kwargs):
        clock.set(received)
        return complaint(team, store_bj, received_at=received, **kwargs)

    def do(when, fn, **kwargs):
        clock.set(when)
        return fn(actor=team.service_manager, **kwargs)

    a = make(at(11, 2), customer=customer, category="waiting_time", vehicle=car)
    do(at(11, 2, 14), services.feedback_acknowledge, feedback=a)
    do(at(11, 3), services.feedback_resolve, feedback=a, solution="致歉")
    b = make(at(11, 5), customer=customer, category="sales", vehicle=car, staff=team.consultant)
    do(at(11, 6, 16), services.feedback_acknowledge, feedback=b)
    do(at(11, 8), services.feedback_resolve, feedback=b, solution="赔偿", compensation="500")
    do(at(11, 8, 12), services.feedback_update, feedback=b, root_cause="销售承诺未写入合同")
    c = make(at(11, 10), customer=None, category="price")
    do(at(11, 10, 12), services.feedback_acknowledge, feedback=c)
    make(at(11, 21, 20), customer=None, category="parts")  # both clocks still running
    make(at(11, 15), customer=customer, kind="praise", category="staff_attitude")
    make(at(10, 1), customer=second, category="facilities")
    g = make(at(11, 12), customer=second, category="facilities")
    do(at(11, 12, 16), services.feedback_resolve, feedback=g, solution="已维修空调")
    make(at(7, 1), customer=third, category="parts")
    h = make(at(11, 14), customer=third, category="product_quality")
    do(at(11, 14, 11), services.feedback_acknowledge, feedback=h)
    do(at(11, 15), services.feedback_resolve, feedback=h, solution="升级软件")
    do(at(11, 8, 13), services.feedback_action_add, feedback=b, kind="preventive",
       description="合同增加赠品条款", owner=team.consultant, due_date=dt.date(2026, 11, 10))
    done = do(at(11, 3, 12), services.feedback_action_add, feedback=a, kind="corrective",
              description="派工提醒", owner=team.cs, due_date=dt.date(2026, 11, 30))
    do(at(11, 4), services.feedback_action_done, action=done)
    clock.set(now)
    return {"customer": customer, "second": second, "third": third, "b": b}


def test_cr9_month_figures_by_hand(store_bj, team, november, clock):
    start, end = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
    report = feedback_analysis(store=store_bj, start=start, end=end)
    assert report["total"] == 7
    assert {r["key"]: r["n"] for r in report["by_kind"]} == {"complaint": 6, "praise": 1}
    assert {r["key"]: r["n"] for r in report["by_department"]} == {
        "service": 5, "sales": 1, "parts": 1}
    assert {r["key"]: r["n"] for r in report["by_category"]}["facilities"] == 1
    assert sorted(r["n"] for r in report["by_model"]) == [2, 5]
    assert {r["label"]: r["n"] for r in report["by_staff"]}[team.consultant.employee.name] == 1
    sla = report["sla"]
    # Acknowledged: A 4 h, B 30 h (late), C 2 h, G 6 h (with its resolution), H 1 h; D's
    # deadline is still ahead.
    assert (sla["complaints"], sla["ack_met"], sla["ack_known"]) == (6, 4, 5)
    assert sla["ack_rate"] == Decimal("80.0")
    assert sla["hours_to_acknowledge"] == Decimal("8.6")  # 43 / 5
    # Resolved: A 24 h, B 72 h (late), G 6 h, H 24 h; C unresolved past its deadline.
    assert (sla["resolve_met"], sla["resolve_known"]) == (3, 5)
    assert sla["resolve_rate"] == Decimal("60.0")
    assert sla["hours_to_resolve"] == Decimal("31.5")  # 126 / 4
    assert report["compensation"] == Decimal("500.00")
    repeat = {r["customer"].name: (r["n"], r["in_period"]) for r in report["repeat"]}
    assert repeat == {"周杰": (2, 2), "李娜": (2, 1)}  # 王强's July complaint is > 90 days back
    assert [f.pk for f in report["root_causes"]] == [november["b"].pk]
    assert report["capa"] == {"total": 2, "done": 1, "overdue": 1, "open": 1}
    trend = {t["month"]: t for t in report["trend"]}
    assert len(trend) == 12
    assert (trend[dt.date(2026, 11, 1)]["total"], trend[dt.date(2026, 11, 1)]["complaint"]) == (
        7, 6)
    assert trend[dt.date(2026, 10, 1)]["total"] == 1
    assert trend[dt.date(2026, 7, 1)]["total"] == 1


def test_cr9_quarter_and_month_bounds():
    today = dt.date(2026, 11, 22)
    assert period_bounds("month", "", today)[1:] == (dt.date(2026, 11, 1),
                                                     dt.date(2026, 11, 30), "2026-11")
    assert period_bounds("quarter", "2026-Q3", today)[1:] == (dt.date(2026, 7, 1),
                                                              dt.date(2026, 9, 30), "2026-Q3")
    assert period_bounds("quarter", "junk", today)[3] == "2026-Q4"
    assert period_bounds("quarter", "2026-Q9", today)[3] == "2026-Q4"


def test_cr9_quarter_includes_july(store_bj, november):
    report = feedback_analysis(store=store_bj, start=dt.date(2026, 7, 1),
                               end=dt.date(2026, 9, 30))
    assert report["total"] == 1 and report["repeat"] == []
