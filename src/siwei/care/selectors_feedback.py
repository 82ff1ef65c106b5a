"""Reads of complaints and feedback: the complaint desk with its SLA clocks (CR-7), what is
escalated to whom, and the monthly and quarterly analysis (CR-9)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.clock import add_months

from .models import (
    Department,
    Feedback,
    FeedbackAction,
    FeedbackCategory,
    FeedbackKind,
    FeedbackStatus,
)
from .services.feedback import DEPARTMENT_MANAGER, OPEN_STATES

REPEAT_WINDOW_DAYS = 90
WARN_BEFORE = dt.timedelta(hours=4)  # an SLA clock turns yellow this long before the deadline


def feedback_for(*, store, status: str = "", kind: str = "", category: str = "",
                 owner_id: int | None = None, escalated: bool = False, overdue: bool = False,
                 start: dt.date | None = None, end: dt.date | None = None, q: str = "",
                 customer_id: int | None = None, now: dt.datetime | None = None
                 ) -> QuerySet[Feedback]:
    """The store's feedback with the desk's filters; open complaints with the nearest
    deadline first, then the newest."""
    rows = (Feedback.objects.for_store(store)
            .select_related("customer", "owner__employee", "vehicle"))
    if status == "open":
        rows = rows.filter(status__in=OPEN_STATES)
    elif status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if category:
        rows = rows.filter(category=category)
    if owner_id:
        rows = rows.filter(owner_id=owner_id)
    if customer_id:
        rows = rows.filter(customer_id=customer_id)
    if escalated:
        rows = rows.filter(escalation_level__gt=0)
    if overdue:
        rows = rows.filter(overdue_q(now or clock.now()))
    if start:
        rows = rows.filter(received_at__gte=_start_of(start))
    if end:
        rows = rows.filter(received_at__lt=_start_of(end + dt.timedelta(days=1)))
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(subject__icontains=q)
                           | Q(contact_name__icontains=q) | Q(contact_phone=q)
                           | Q(customer__name__icontains=q) | Q(customer__mobile=q))
    return rows.order_by("-received_at", "-id")


def overdue_q(now: dt.datetime) -> Q:
    """Open complaints past a deadline."""
    return Q(kind=FeedbackKind.COMPLAINT, status__in=OPEN_STATES) & (
        Q(acknowledged_at__isnull=True, acknowledge_due_at__lt=now)
        | Q(resolve_due_at__lt=now))


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _duration(delta: dt.timedelta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    return _("%(h)s h %(m)s min") % {"h": hours, "m": mins}


def sla_clocks(feedback: Feedback, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The running clocks of an open complaint: time left to acknowledge and to resolve,
    or how late; coloured green, yellow (under 4 hours left) or red (late)."""
    now = now or clock.now()
    if feedback.kind != FeedbackKind.COMPLAINT or feedback.status not in OPEN_STATES:
        return []
    clocks = []
    for key, label, due, done in (
            ("acknowledge", _("Acknowledge"), feedback.acknowledge_due_at,
             feedback.acknowledged_at),
            ("resolve", _("Resolve"), feedback.resolve_due_at, feedback.resolved_at)):
        if due is None or done is not None:
            continue
        left = due - now
        late = left < dt.timedelta(0)
        clocks.append({
            "key": key, "label": label, "due": due, "late": late,
            "seconds": int(left.total_seconds()),
            "text": (_("%s late") if late else _("%s left")) % _duration(left),
            "colour": "danger" if late else "warning" if left < WARN_BEFORE else "success"})
    return clocks


def with_clocks(rows, now: dt.datetime | None = None):
    now = now or clock.now()
    for row in rows:
        row.clocks = sla_clocks(row, now)
    return rows


def open_complaints(*, store) -> QuerySet[Feedback]:
    """Open complaints, the nearest deadline first (the customer service desk)."""
    return (Feedback.objects.for_store(store)
            .filter(kind=FeedbackKind.COMPLAINT, status__in=OPEN_STATES)
            .select_related("customer", "owner__employee")
            .order_by("resolve_due_at", "received_at", "id"))


def escalated_to(*, user, store) -> QuerySet[Feedback]:
    """Open complaints escalated to the user's roles in the store: level 1 to the
    department's manager, level 2 to the store manager (CR-7)."""
    from siwei.core.selectors import employee_roles

    roles = {role.code for role in employee_roles(user, store)}
    departments = [dept for dept, role in DEPARTMENT_MANAGER.items() if role in roles]
    condition = Q(pk__in=[])
    if departments:
        condition |= Q(escalation_level__gte=1, department__in=departments)
        if Department.SERVICE in departments:
            condition |= Q(escalation_level__gte=1, department="")
    if "store_manager" in roles:
        condition |= Q(escalation_level__gte=2)
    return (Feedback.objects.for_store(store)
            .filter(condition, kind=FeedbackKind.COMPLAINT, status__in=OPEN_STATES)
            .select_related("customer", "owner__employee")
            .order_by("-escalation_level", "escalated_at", "id"))


def counts(*, store) -> dict[str, int]:
    return dict(Feedback.objects.for_store(store).values_list("status")
                .annotate(n=Count("id")).values_list("status", "n"))


# --- analysis (CR-9) ------------------------------------------------------------------


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _hours(deltas: list[dt.timedelta]) -> Decimal | None:
    if not deltas:
        return None
    seconds = sum(d.total_seconds() for d in deltas) / len(deltas)
    return (Decimal(seconds) / 3600).quantize(Decimal("0.1"), ROUND_HALF_UP)


def sla_figures(rows: list[Feedback], now: dt.datetime) -> dict[str, Any]:
    """SLA compliance of complaints. A deadline counts once its outcome is known: met
    (done by the deadline) or missed (done late, or not done and past it); complaints
    still inside their deadline are left out."""
    complaints = [f for f in rows if f.kind == FeedbackKind.COMPLAINT]
    ack_met = ack_known = res_met = res_known = 0
    to_ack, to_resolve = [], []
    for f in complaints:
        if f.acknowledge_due_at is not None:
            if f.acknowledged_at is not None:
                ack_known += 1
                ack_met += f.acknowledged_at <= f.acknowledge_due_at
            elif now > f.acknowledge_due_at:
                ack_known += 1
        if f.resolve_due_at is not None:
            if f.resolved_at is not None:
                res_known += 1
                res_met += f.resolved_at <= f.resolve_due_at
            elif now > f.resolve_due_at:
                res_known += 1
        if f.acknowledged_at is not None:
            to_ack.append(f.acknowledged_at - f.received_at)
        if f.resolved_at is not None:
            to_resolve.append(f.resolved_at - f.received_at)
    return {"complaints": len(complaints),
            "ack_met": ack_met, "ack_known": ack_known, "ack_rate": _percent(ack_met, ack_known),
            "resolve_met": res_met, "resolve_known": res_known,
            "resolve_rate": _percent(res_met, res_known),
            "hours_to_acknowledge": _hours(to_ack), "hours_to_resolve": _hours(to_resolve)}


def period_bounds(period: str, value: str, today: dt.date) -> tuple[str, dt.date, dt.date, str]:
    """A month (``2026-11``) or a quarter (``2026-Q4``) as (kind, first day, last day,
    canonical value); the current one when the value cannot be read."""
    if period == "quarter":
        try:
            year, quarter = value.upper().split("-Q")
            first = dt.date(int(year), (int(quarter) - 1) * 3 + 1, 1)
            if not 1 <= int(quarter) <= 4:
                raise ValueError
        except ValueError:
            first = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        last = add_months(first, 3) - dt.timedelta(days=1)
        return "quarter", first, last, f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    try:
        first = dt.date.fromisoformat(f"{value}-01")
    except ValueError:
        first = today.replace(day=1)
    last = add_months(first, 1) - dt.timedelta(days=1)
    return "month", first, last, f"{first:%Y-%m}"


def _label(choices, value: str) -> str:
    return str(dict(choices.choices).get(value, value)) if value else _("(none)")


def _volume(values, choices=None) -> list[dict[str, Any]]:
    counter = Counter(values)
    return [{"key": key, "label": _label(choices, key) if choices else (key or _("(none)")),
             "n": n} for key, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


def feedback_analysis(*, store, start: dt.date, end: dt.date,
                      now: dt.datetime | None = None) -> dict[str, Any]:
    """CR-9: volume by type, category, department, staff and model; SLA compliance; hours
    to acknowledge and resolve; repeat complaints; root causes and their corrective and
    preventive actions; the 12-month trend ending with the period."""
    now = now or clock.now()
    rows = list(Feedback.objects.for_store(store)
                .filter(received_at__gte=_start_of(start),
                        received_at__lt=_start_of(end + dt.timedelta(days=1)))
                .select_related("staff__employee", "vehicle__model", "customer")
                .order_by("received_at", "id"))
    staff_names = [f.staff.employee.name if f.staff_id and hasattr(f.staff, "employee")
                   else "" for f in rows]
    models = [str(f.vehicle.model) if f.vehicle_id and f.vehicle.model_id else ""
              for f in rows]
    complaints = [f for f in rows if f.kind == FeedbackKind.COMPLAINT]
    actions = list(FeedbackAction.objects.filter(feedback__in=[f.pk for f in rows])
                   .select_related("owner__employee", "feedback").order_by("due_date", "id"))
    today = timezone.localtime(now).date()
    causes = [f for f in rows if f.root_cause.strip()]
    return {
        "start": start, "end": end, "total": len(rows),
        "by_kind": _volume([f.kind for f in rows], FeedbackKind),
        "by_category": _volume([f.category for f in rows], FeedbackCategory),
        "by_department": _volume([f.department for f in rows], Department),
        "by_staff": _volume(staff_names),
        "by_model": _volume(models),
        "by_status": _volume([f.status for f in rows], FeedbackStatus),
        "sla": sla_figures(rows, now),
        "compensation": sum((f.compensation for f in complaints), Decimal("0.00")),
        "reopened": sum(1 for f in complaints if f.reopen_count),
        "repeat": repeat_complaints(store=store, start=start, end=end),
        "root_causes": causes,
        "actions": actions,
        "capa": {"total": len(actions), "done": sum(1 for a in actions if a.done_at),
                 "overdue": sum(1 for a in actions if not a.done_at and a.due_date < today),
                 "open": sum(1 for a in actions if not a.done_at)},
        "trend": feedback_trend(store=store, last_month=end.replace(day=1), now=now),
    }


def feedback_summary(*, store, start: dt.date, end: dt.date,
                     now: dt.datetime | None = None) -> dict[str, Any]:
    """Volume and SLA compliance of a period in one query (the store manager's card)."""
    rows = list(Feedback.objects.for_store(store)
                .filter(received_at__gte=_start_of(start),
                        received_at__lt=_start_of(end + dt.timedelta(days=1)))
                .only("kind", "received_at", "acknowledge_due_at", "acknowledged_at",
                      "resolve_due_at", "resolved_at"))
    return {"total": len(rows), "sla": sla_figures(rows, now or clock.now())}


def repeat_complaints(*, store, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Customers with a complaint in the period and at least two complaints counting the
    90 days before it."""
    window = (Feedback.objects.for_store(store)
              .filter(kind=FeedbackKind.COMPLAINT, customer__isnull=False,
                      received_at__gte=_start_of(start - dt.timedelta(days=REPEAT_WINDOW_DAYS)),
                      received_at__lt=_start_of(end + dt.timedelta(days=1)))
              .select_related("customer").order_by("received_at", "id"))
    by_customer: dict[int, list[Feedback]] = defaultdict(list)
    for f in window:
        by_customer[f.customer_id].append(f)
    period_start = _start_of(start)
    result = []
    for items in by_customer.values():
        in_period = [f for f in items if f.received_at >= period_start]
        if in_period and len(items) >= 2:
            result.append({"customer": items[0].customer, "n": len(items),
                           "in_period": len(in_period), "numbers": [f.number for f in items]})
    return sorted(result, key=lambda r: (-r["n"], r["customer"].name))


def feedback_trend(*, store, last_month: dt.date, now: dt.datetime,
                   months: int = 12) -> list[dict[str, Any]]:
    """Volume by type and SLA compliance of the 12 months ending with ``last_month``."""
    first = add_months(last_month, -(months - 1))
    rows = list(Feedback.objects.for_store(store)
                .filter(received_at__gte=_start_of(first),
                        received_at__lt=_start_of(add_months(last_month, 1)))
                .only("kind", "received_at", "acknowledge_due_at", "acknowledged_at",
                      "resolve_due_at", "resolved_at"))
    buckets: dict[dt.date, list[Feedback]] = defaultdict(list)
    for f in rows:
        buckets[timezone.localtime(f.received_at).date().replace(day=1)].append(f)
    trend = []
    for i in range(months):
        month = add_months(first, i)
        items = buckets.get(month, [])
        kinds = Counter(f.kind for f in items)
        trend.append({"month": month, "total": len(items),
                      **{kind: kinds.get(kind, 0) for kind in FeedbackKind.values},
                      "sla": sla_figures(items, now)})
    return trend
