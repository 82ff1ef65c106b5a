"""SV-2 working days: statutory holidays closed, weekends open, the store's override first,
and the explicit fallback for years the chinese_calendar package does not know."""

import datetime as dt

import chinese_calendar
import pytest

from siwei.service.models import StoreCalendarDay
from siwei.service.services.calendar import (
    fallback_working_day,
    holiday_name,
    is_working_day,
    official_working_day,
    working_days,
)

pytestmark = pytest.mark.django_db


def test_sv2_national_day_2026_is_closed(store_bj):
    for day in range(1, 8):
        assert not is_working_day(store_bj, dt.date(2026, 10, day))
    assert holiday_name(dt.date(2026, 10, 1)) == "National Day"
    assert is_working_day(store_bj, dt.date(2026, 10, 8))


def test_sv2_spring_festival_2026_from_the_package_is_closed(store_bj):
    festival = [day for day, name in chinese_calendar.holidays.items()
                if day.year == 2026 and name == "Spring Festival"]
    assert dt.date(2026, 2, 17) in festival  # 春节 2026
    for day in festival:
        assert not is_working_day(store_bj, day), day


def test_sv2_weekends_are_open_and_adjusted_working_weekends_too(store_bj):
    assert dt.date(2026, 11, 22).weekday() == 6  # an ordinary Sunday
    assert chinese_calendar.is_holiday(dt.date(2026, 11, 22))  # the package calls it a holiday
    assert is_working_day(store_bj, dt.date(2026, 11, 22))
    assert is_working_day(store_bj, dt.date(2026, 11, 21))
    assert is_working_day(store_bj, dt.date(2026, 2, 14))  # 调休 Saturday before 春节


def test_sv2_store_override_wins_both_ways(store_bj, store_sh):
    StoreCalendarDay.objects.create(store=store_bj, day=dt.date(2026, 10, 3), is_working=True,
                                    note="国庆值班")
    StoreCalendarDay.objects.create(store=store_bj, day=dt.date(2026, 11, 25), is_working=False,
                                    note="设备检修")
    assert is_working_day(store_bj, dt.date(2026, 10, 3))
    assert not is_working_day(store_bj, dt.date(2026, 11, 25))
    assert not is_working_day(store_sh, dt.date(2026, 10, 3))
    assert is_working_day(store_sh, dt.date(2026, 11, 25))
    days = working_days(store_bj, [dt.date(2026, 10, 2), dt.date(2026, 10, 3),
                                   dt.date(2026, 11, 25), dt.date(2026, 11, 26)])
    assert days == {dt.date(2026, 10, 2): False, dt.date(2026, 10, 3): True,
                    dt.date(2026, 11, 25): False, dt.date(2026, 11, 26): True}


def test_sv2_2027_falls_back_to_monday_to_saturday(store_bj):
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(dt.date(2027, 3, 8))
    assert is_working_day(store_bj, dt.date(2027, 3, 8))  # Monday
    assert is_working_day(store_bj, dt.date(2027, 3, 13))  # Saturday
    assert not is_working_day(store_bj, dt.date(2027, 3, 14))  # Sunday
    assert not official_working_day(dt.date(2027, 10, 1))  # National Day, fixed date
    assert not fallback_working_day(dt.date(2027, 1, 1))
    assert holiday_name(dt.date(2027, 10, 1)) is None


def test_sv2_2027_override_applies_to_the_fallback(store_bj):
    StoreCalendarDay.objects.create(store=store_bj, day=dt.date(2027, 3, 14), is_working=True)
    StoreCalendarDay.objects.create(store=store_bj, day=dt.date(2027, 2, 6), is_working=False,
                                    note="春节")
    assert is_working_day(store_bj, dt.date(2027, 3, 14))
    assert not is_working_day(store_bj, dt.date(2027, 2, 6))
