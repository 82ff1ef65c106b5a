"""A trial installation may run some days ahead (SIWEI_CLOCK_OFFSET_DAYS), never production."""

import datetime as dt

from django.utils import timezone

from siwei.core import clock


def test_offset_clock_moves_time_only_when_debug_is_on(settings):
    previous = clock.install(clock.SystemClock())
    try:
        settings.SIWEI_CLOCK_OFFSET_DAYS = 8
        settings.DEBUG = False
        clock.install_from_settings()
        assert abs(clock.now() - timezone.now()) < dt.timedelta(minutes=1)

        settings.DEBUG = True
        clock.install_from_settings()
        ahead = clock.now() - timezone.now()
        assert dt.timedelta(days=7, hours=23, minutes=59) < ahead < dt.timedelta(days=8, minutes=1)
        assert clock.today() == timezone.localtime(timezone.now() + dt.timedelta(days=8)).date()
    finally:
        clock.install(previous)
