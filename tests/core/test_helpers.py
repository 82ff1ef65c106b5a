"""Shared helpers: clock, money, enums and transitions, pinyin."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import models

from siwei.core import clock
from siwei.core.enums import Transitions, colored, colour_of
from siwei.core.errors import DomainError
from siwei.core.fields import money, quantity, vat_split
from siwei.core.pinyin import full_pinyin, initials

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_clock_can_be_frozen_and_moved():
    start = dt.datetime(2026, 12, 31, 23, 30, tzinfo=SHANGHAI)
    with clock.frozen(start) as fixed:
        assert clock.now() == start
        assert clock.today() == dt.date(2026, 12, 31)
        fixed.advance(hours=1)
        assert clock.today() == dt.date(2027, 1, 1)
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)


def test_today_is_the_shanghai_date_not_utc():
    # 2026-11-22 17:30 UTC is already 2026-11-23 in Shanghai.
    with clock.frozen(dt.datetime(2026, 11, 22, 17, 30, tzinfo=dt.UTC)):
        assert clock.today() == dt.date(2026, 11, 23)


def test_money_rounds_half_up_to_the_cent():
    assert money("2.675") == Decimal("2.68")
    assert money("2.665") == Decimal("2.67")
    assert money(-Decimal("1.005")) == Decimal("-1.01")
    assert quantity("0.0005") == Decimal("0.001")


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        money(0.1)


def test_vat_split_adds_back_to_the_gross_amount():
    net, tax = vat_split(Decimal("1130.00"), Decimal("0.13"))
    assert (net, tax) == (Decimal("1000.00"), Decimal("130.00"))
    for gross in ("0.01", "99.99", "12345.67", "1.13"):
        net, tax = vat_split(Decimal(gross), Decimal("0.13"))
        assert net + tax == Decimal(gross)


def test_colored_choices_need_a_colour_for_every_state():
    @colored(draft="secondary", done="success")
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        DONE = "done", "Done"

    assert colour_of(Status, "done") == "success"
    with pytest.raises(ValueError):
        @colored(draft="secondary")
        class Missing(models.TextChoices):
            DRAFT = "draft", "Draft"
            DONE = "done", "Done"
    with pytest.raises(ValueError):
        @colored(draft="pink")
        class BadColour(models.TextChoices):
            DRAFT = "draft", "Draft"


def test_transitions_refuse_with_invalid_transition():
    flow = Transitions({"confirm": (["draft"], "confirmed"), "cancel": (["draft", "confirmed"],
                                                                        "cancelled")})
    assert flow.target("draft", "confirm") == "confirmed"
    assert flow.actions_from("confirmed") == ["cancel"]
    with pytest.raises(DomainError) as err:
        flow.target("cancelled", "confirm")
    assert err.value.code == "invalid_transition"
    assert err.value.as_dict()["status"] == "cancelled"


@pytest.mark.parametrize(("name", "full", "short"), [
    ("张三", "zhangsan", "zs"),
    ("王小明", "wangxiaoming", "wxm"),
    ("曾国藩", "zengguofan", "zgf"),   # 曾 as a surname is zeng, not ceng
    ("单雄信", "shanxiongxin", "sxx"),  # 单 as a surname is shan
    ("长孙无忌", "zhangsunwuji", "zswj"),
    ("吕布", "lvbu", "lb"),
    ("李A", "lia", "la"),
])
def test_pinyin_full_and_initials(name, full, short):
    assert full_pinyin(name) == full
    assert initials(name) == short


def test_pinyin_of_ordinary_words_uses_common_readings():
    assert full_pinyin("解放", name=False) == "jiefang"
    assert full_pinyin("") == "" and initials("") == ""


def test_status_badge_shows_translated_label_in_state_colour():
    from django.template import Context, Template

    from siwei.core.models import Role

    # Role.scope is a plain TextChoices: no colours registered, so the neutral colour.
    html = Template("{% load siwei %}{% status_badge role 'scope' %}").render(
        Context({"role": Role(code="x", scope="group")}))
    assert 'text-bg-secondary' in html and 'data-status="group"' in html

    from siwei.core.enums import _COLOURED

    @colored(group="danger", store="success")
    class Scope(models.TextChoices):
        GROUP = "group", "Group"
        STORE = "store", "Store"

    try:
        html = Template("{% load siwei %}{% status_badge role 'scope' %}").render(
            Context({"role": Role(code="x", scope="store")}))
        assert 'text-bg-success' in html
    finally:
        _COLOURED.pop(("group", "store"))


def test_yuan_formats_money():
    from siwei.core.templatetags.siwei import yuan

    assert yuan(Decimal("1250.5")) == "¥1,250.50"
    assert yuan("-3.005") == "-¥3.01"
    assert yuan(None) == ""


def test_xlsx_export_keeps_numbers_and_dates():
    from io import BytesIO

    from openpyxl import load_workbook

    from siwei.core.exports import workbook_bytes

    data = workbook_bytes([("门店", ["编码", "金额", "日期"],
                            [["BJ01", Decimal("1250.50"), dt.date(2026, 11, 22)]])])
    sheet = load_workbook(BytesIO(data)).active
    assert sheet.title == "门店"
    assert [c.value for c in sheet[1]] == ["编码", "金额", "日期"]
    assert sheet["B2"].value == 1250.5 and sheet["C2"].value.date() == dt.date(2026, 11, 22)


def test_add_months_clips_to_the_end_of_the_month():
    assert clock.add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)
    assert clock.add_months(dt.date(2026, 11, 22), -12) == dt.date(2025, 11, 22)
    assert clock.add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert clock.add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)


def test_period_from_request_defaults_orders_and_ignores_bad_dates(clock, rf):
    from siwei.core.periods import period_from_request

    assert period_from_request(rf.get("/")) == (dt.date(2026, 11, 1), dt.date(2026, 11, 22))
    assert period_from_request(rf.get("/?from=2026-10-31&to=2026-10-01")) == (
        dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert period_from_request(rf.get("/?from=yesterday&to=2026-11-05")) == (
        dt.date(2026, 11, 1), dt.date(2026, 11, 5))


def test_month_of_reads_every_form_the_database_answers_with():
    """The month of a grouped row: an aware time counts in Shanghai (31 Oct 17:00 UTC is
    already November there), a naive one as it is, SQLite's ISO text and a date alike."""
    from siwei.core.periods import month_of

    november = dt.date(2026, 11, 1)
    assert month_of(dt.datetime(2026, 10, 31, 17, 0, tzinfo=ZoneInfo("UTC"))) == november
    assert month_of(dt.datetime(2026, 11, 30, 23, 0)) == november
    assert month_of("2026-11-15 00:00:00") == november
    assert month_of(dt.date(2026, 11, 30)) == november
