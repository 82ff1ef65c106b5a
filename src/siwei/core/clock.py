"""The injectable clock: every scheduling rule reads the time through here.

Production uses the system clock; tests install a ``FixedClock`` and move it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Protocol

from django.utils import timezone


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return timezone.now()


class FixedClock:
    """A clock that stands still until moved."""

    def __init__(self, at: dt.datetime) -> None:
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        self._at = at

    def now(self) -> dt.datetime:
        return self._at

    def today(self) -> dt.date:
        return timezone.localtime(self._at).date()

    def set(self, at: dt.datetime) -> None:
        self._at = at if timezone.is_aware(at) else timezone.make_aware(at)

    def advance(self, **delta: float) -> dt.datetime:
        self._at += dt.timedelta(**delta)
        return self._at


class OffsetClock:
    """The system clock moved by a fixed offset: lets a trial installation live a few days
    ahead (``SIWEI_CLOCK_OFFSET_DAYS``, honoured only with ``DEBUG`` on) to watch the
    scheduler create reminders and escalate complaints."""

    def __init__(self, offset: dt.timedelta) -> None:
        self.offset = offset

    def now(self) -> dt.datetime:
        return timezone.now() + self.offset


_clock: Clock = SystemClock()


def now() -> dt.datetime:
    """The current time, timezone-aware."""
    return _clock.now()


def localnow() -> dt.datetime:
    """The current time in the active time zone (Asia/Shanghai by default)."""
    return timezone.localtime(_clock.now())


def today() -> dt.date:
    """Today's date in the active time zone."""
    return localnow().date()


def install(clock: Clock) -> Clock:
    """Replace the clock; returns the previous one."""
    global _clock
    previous, _clock = _clock, clock
    return previous


@contextlib.contextmanager
def frozen(at: dt.datetime) -> Iterator[FixedClock]:
    """Run a block at a fixed time: ``with clock.frozen(datetime(...)) as c: c.advance(days=1)``."""
    fixed = FixedClock(at)
    previous = install(fixed)
    try:
        yield fixed
    finally:
        install(previous)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier, if negative), clipped to the month's end:
    2026-03-31 minus one month is 2026-02-28."""
    import calendar

    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


def install_from_settings() -> None:
    """Move the clock by ``SIWEI_CLOCK_OFFSET_DAYS`` when ``DEBUG`` is on (a trial or
    demo installation); production always runs on the system clock."""
    from django.conf import settings

    days = getattr(settings, "SIWEI_CLOCK_OFFSET_DAYS", 0)
    if days and settings.DEBUG:
        install(OffsetClock(dt.timedelta(days=days)))
