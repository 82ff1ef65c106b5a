"""Reads of the reminders (CR-5): reminders due by kind, expiring insurance and the
renewal rate (续保率 = renewed through us / expiring)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from siwei.core import clock
from siwei.crm.models import Vehicle

from .models import FollowUp, FollowUpKind, FollowUpStatus, InsuranceRenewal

REMINDER_KINDS = (
    FollowUpKind.MAINTENANCE_DUE, FollowUpKind.FIRST_MAINTENANCE,
    FollowUpKind.INSURANCE_EXPIRY, FollowUpKind.WARRANTY_ENDING,
    FollowUpKind.APPOINTMENT_DAY_BEFORE, FollowUpKind.APPOINTMENT_HOUR_BEFORE,
    FollowUpKind.BIRTHDAY, FollowUpKind.PURCHASE_ANNIVERSARY, FollowUpKind.CHURN_WINBACK,
    FollowUpKind.LOST_LEAD_REVISIT,
)


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min),
                               timezone.get_default_timezone())


def reminders_due_by_kind(*, store, start: dt.date, end: dt.date) -> list[dict]:
    """Pending reminder tasks due from ``start`` to ``end`` (inclusive) per kind, with
    the overdue ones: one query."""
    now = clock.now()
    rows = (FollowUp.objects.for_store(store)
            .filter(kind__in=REMINDER_KINDS, status=FollowUpStatus.PENDING,
                    due_at__gte=_start(start), due_at__lt=_start(end + dt.timedelta(days=1)))
            .values("kind").annotate(total=Count("id"), overdue=Count("id", filter=Q(
                due_at__lt=now))).order_by())
    found = {row["kind"]: row for row in rows}
    labels = dict(FollowUpKind.choices)
    return [{"kind": kind, "label": labels[kind], "total": found[kind]["total"],
             "overdue": found[kind]["overdue"]} for kind in REMINDER_KINDS if kind in found]


def week_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the week of ``today``."""
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=6)


def expiring_vehicles(*, store, since: dt.date, until: dt.date) -> QuerySet[Vehicle]:
    """Vehicles of ``store`` whose insurance expires from ``since`` to ``until``."""
    return (Vehicle.objects.for_store(store)
            .filter(insurance_expiry__gte=since, insurance_expiry__lte=until)
            .select_related("owner", "model").order_by("insurance_expiry", "id"))


def recent_renewals(*, store) -> QuerySet[InsuranceRenewal]:
    return (InsuranceRenewal.objects.for_store(store)
            .select_related("vehicle", "customer", "recorded_by__employee")
            .order_by("-recorded_at", "-id"))


@dataclass(frozen=True)
class RenewalMonth:
    month: dt.date  # first day
    expiring: int  # expired (or expire) in the month: renewed or not
    through_us: int
    elsewhere: int

    @property
    def not_renewed(self) -> int:
        return self.expiring - self.through_us - self.elsewhere

    @property
    def rate(self) -> Decimal | None:
        """续保率 in percent (one decimal), None without expiring vehicles."""
        if not self.expiring:
            return None
        return (Decimal(100) * self.through_us / self.expiring).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP)


def _month_key(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.replace(day=1)


def renewal_rates(*, store, first: dt.date, last: dt.date) -> list[RenewalMonth]:
    """The renewal rate of each month from ``first`` to ``last`` (any days of them). A
    vehicle counts in the month its insurance expired: renewed (its renewal remembers the
    old expiry) or not (its expiry is still in that month). Two queries."""
    first, last = first.replace(day=1), last.replace(day=1)
    end = clock.add_months(last, 1)
    renewed: dict[dt.date, dict[bool, int]] = {}
    for row in (InsuranceRenewal.objects.for_store(store)
                .filter(previous_expiry__gte=first, previous_expiry__lt=end)
                .annotate(month=TruncMonth("previous_expiry")).values("month", "through_us")
                .annotate(n=Count("id")).order_by()):
        renewed.setdefault(_month_key(row["month"]), {})[row["through_us"]] = row["n"]
    pending = {
        _month_key(row["month"]): row["n"]
        for row in (Vehicle.objects.for_store(store)
                    .filter(insurance_expiry__gte=first, insurance_expiry__lt=end)
                    .annotate(month=TruncMonth("insurance_expiry")).values("month")
                    .annotate(n=Count("id")).order_by())
    }
    months, month = [], first
    while month <= last:
        by_us = renewed.get(month, {}).get(True, 0)
        other = renewed.get(month, {}).get(False, 0)
        months.append(RenewalMonth(month=month, expiring=by_us + other + pending.get(month, 0),
                                   through_us=by_us, elsewhere=other))
        month = clock.add_months(month, 1)
    return months


def renewal_chart(months: list[RenewalMonth]) -> dict:
    """ECharts option: expiring and renewed through us per month (bars), rate (line)."""
    from django.utils.translation import gettext as _

    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [str(_("Expiring")), str(_("Renewed through us")),
                            str(_("Renewal rate %"))]},
        "xAxis": {"type": "category", "data": [m.month.strftime("%Y-%m") for m in months]},
        "yAxis": [{"type": "value", "minInterval": 1},
                  {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}}],
        "series": [
            {"name": str(_("Expiring")), "type": "bar", "data": [m.expiring for m in months]},
            {"name": str(_("Renewed through us")), "type": "bar",
             "data": [m.through_us for m in months]},
            {"name": str(_("Renewal rate %")), "type": "line", "yAxisIndex": 1,
             "data": [float(m.rate) if m.rate is not None else None for m in months]},
        ],
    }
