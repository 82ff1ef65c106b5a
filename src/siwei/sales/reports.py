"""Report selectors of the sales department: showroom statistics (CS-9), test-drive
schedule (CS-10), targets (CS-11), 三表一卡 (CS-12), consultant performance (CS-20) and
lost-lead analysis (CS-8).

Every figure is computed with set-based aggregation (``values().annotate()`` grouped by
consultant, day or month): the number of queries of a report does not grow with the
number of leads, visits, orders or days.

Definitions used throughout (and shown on the pages):

- a *visit* is a walk-in of the showroom log; inbound calls are counted apart;
- *info-left rate* (留档率) = first walk-ins with contact information / first walk-ins;
- an *order* is a sales order confirmed (deposit paid) in the period and not cancelled;
- a *delivery* is an order handed over in the period; accessory revenue, insurance and
  finance penetration and gross profit are counted on the orders delivered in the period.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from siwei.core import clock
from siwei.core.fields import ZERO, money
from siwei.crm.models import (
    Activity,
    ActivityType,
    Customer,
    Lead,
    LeadStatus,
    LossReason,
    ShowroomVisit,
    VisitKind,
)

from .models import OrderLine, OrderStatus, SalesOrder, SalesTarget, StockStatus, StockVehicle

ONE_DAY = dt.timedelta(days=1)
CONSULTANT_ROLE = "sales_consultant"

WALK_IN = Q(kind=VisitKind.WALK_IN)
FIRST_VISIT = Q(kind=VisitKind.WALK_IN, first_visit=True)
INFO_LEFT = Q(visitor_mobile__gt="") | Q(customer__isnull=False)
LIVE = ~Q(status=OrderStatus.CANCELLED)


# --- periods -------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Days ``start`` … ``end`` (both included) in the active time zone."""

    start: dt.date
    end: dt.date

    @property
    def since(self) -> dt.datetime:
        return _midnight(self.start)

    @property
    def until(self) -> dt.datetime:
        """The first moment after the period."""
        return _midnight(self.end + ONE_DAY)

    @property
    def days(self) -> list[dt.date]:
        count = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=i) for i in range(max(count, 0))]

    def between(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.since, f"{field}__lt": self.until})


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def month_start(day: dt.date | None = None) -> dt.date:
    return (day or clock.today()).replace(day=1)


def month_period(month: dt.date, *, to_date: bool = True) -> Period:
    """The calendar month of ``month``; with ``to_date`` a month that is under way stops at
    today (month to date)."""
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    if to_date:
        today = clock.today()
        if first <= today < last:
            last = today
    return Period(first, last)


def day_period(day: dt.date) -> Period:
    return Period(day, day)


# --- numbers -------------------------------------------------------------------------

TENTH = Decimal("0.1")


def rate(part, whole) -> Decimal | None:
    """``part / whole`` in percent with one decimal (half up); None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part or 0) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


def _money(value) -> Decimal:
    if value is None:
        return ZERO
    return money(Decimal(str(value)) if isinstance(value, float) else value)


def _per_car(amount: Decimal, cars: int) -> Decimal | None:
    return money(amount / cars) if cars else None


# --- people --------------------------------------------------------------------------


def store_consultants(store) -> list:
    """The active sales consultants of the store, by name."""
    User = get_user_model()
    return list(
        User.objects.filter(
            is_active=True, employee__is_active=True,
            employee__assignments__store=store,
            employee__assignments__role__code=CONSULTANT_ROLE,
        ).select_related("employee").distinct().order_by("employee__name", "id"))


def person_name(user) -> str:
    employee = getattr(user, "employee", None)
    return employee.name if employee is not None else user.get_username()


def _people(store, extra_ids: Iterable[int | None], only: int | None = None) -> list[dict]:
    """Rows for the store's consultants plus anyone else who appears in the figures (a
    manager who sells, a consultant who left), in one query, ordered by name."""
    ids = {i for i in extra_ids if i is not None}
    User = get_user_model()
    consultants = User.objects.filter(
        is_active=True, employee__is_active=True, employee__assignments__store=store,
        employee__assignments__role__code=CONSULTANT_ROLE)
    condition = Q(pk__in=consultants.values("pk")) | Q(pk__in=ids)
    if only is not None:
        condition = Q(pk=only)
    users = User.objects.filter(condition).select_related("employee")
    people = [{"id": u.pk, "name": person_name(u), "user": u} for u in users]
    return sorted(people, key=lambda p: (p["name"], p["id"]))


def _grouped(queryset: QuerySet, key: str, **aggregates) -> dict:
    """``{key value: {aggregate: value}}`` from one grouped query."""
    rows = queryset.order_by().values(key).annotate(**aggregates)
    return {row[key]: row for row in rows}


# --- CS-9 showroom statistics --------------------------------------------------------

SHOWROOM_COUNTS = ("walk_ins", "calls", "first_visits", "first_with_info", "test_drives",
                   "orders")


def _showroom_rates(row: dict) -> dict:
    row["info_left_rate"] = rate(row["first_with_info"], row["first_visits"])
    row["test_drive_rate"] = rate(row["test_drives"], row["walk_ins"])
    row["conversion_rate"] = rate(row["orders"], row["walk_ins"])
    return row


def showroom_days(*, store, period: Period) -> dict:
    """CS-9 per day of the period and in total: walk-ins, calls, first visits, first
    visits with contact information, walk-ins with a test drive, orders; info-left rate,
    test-drive rate and visit-to-order conversion. Two queries, whatever the period."""
    visits = ShowroomVisit.objects.for_store(store).filter(period.between("time_in"))
    per_day = _grouped(
        visits.annotate(day=TruncDate("time_in")), "day",
        walk_ins=Count("id", filter=WALK_IN),
        calls=Count("id", filter=Q(kind=VisitKind.CALL)),
        first_visits=Count("id", filter=FIRST_VISIT),
        first_with_info=Count("id", filter=FIRST_VISIT & INFO_LEFT),
        test_drives=Count("id", filter=WALK_IN & Q(test_drive=True)),
    )
    orders = _grouped(
        SalesOrder.objects.for_store(store).filter(LIVE, period.between("confirmed_at"))
        .annotate(day=TruncDate("confirmed_at")), "day", n=Count("id"))
    days = []
    totals = dict.fromkeys(SHOWROOM_COUNTS, 0)
    for day in period.days:
        found = per_day.get(day, {})
        row = {key: found.get(key, 0) for key in SHOWROOM_COUNTS}
        row["orders"] = orders.get(day, {}).get("n", 0)
        for key in SHOWROOM_COUNTS:
            totals[key] += row[key]
        days.append(_showroom_rates({"day": day, **row}))
    return {"days": days, "totals": _showroom_rates(totals)}


def showroom_today(*, store) -> dict:
    return showroom_days(store=store, period=day_period(clock.today()))["totals"]


def showroom_visits_of_day(*, store, day: dt.date) -> QuerySet[ShowroomVisit]:
    period = day_period(day)
    return (ShowroomVisit.objects.for_store(store).filter(period.between("time_in"))
            .select_related("consultant__employee", "customer")
            .prefetch_related("models_of_interest").order_by("-time_in", "-id"))


# --- CS-10 test drives ---------------------------------------------------------------


def demo_vehicles(*, store) -> QuerySet[StockVehicle]:
    """The store's demo vehicles that can still be driven."""
    return (StockVehicle.objects.for_store(store).filter(is_demo=True)
            .exclude(status__in=[StockStatus.SOLD, StockStatus.DELIVERED, StockStatus.RETURNED])
            .select_related("model", "trim").order_by("model__name", "vin"))


def test_drives_from(*, store, day: dt.date, days: int = 14):
    """Test drives that end on or after ``day`` and start within ``days`` days (today's
    and upcoming), by start."""
    from .models import TestDrive

    return (TestDrive.objects.for_store(store)
            .filter(end__gte=_midnight(day), start__lt=_midnight(day + dt.timedelta(days=days)))
            .select_related("vehicle__model", "customer", "consultant__employee")
            .order_by("start", "id"))


def test_drives_awaiting_feedback(*, store, now: dt.datetime | None = None):
    """Drives that have started but have no feedback yet (the last 14 days)."""
    from .models import TestDrive

    now = now or clock.now()
    return (TestDrive.objects.for_store(store)
            .filter(start__lte=now, start__gte=now - dt.timedelta(days=14), feedback="")
            .select_related("vehicle__model", "customer", "consultant__employee")
            .order_by("start", "id"))


# --- CS-11 targets and CS-12 sheet 1 -------------------------------------------------

TARGET_METRICS = (
    ("visits", _("Visits"), "count"),
    ("new_leads", _("New leads"), "count"),
    ("test_drives", _("Test drives"), "count"),
    ("orders", _("Orders"), "count"),
    ("deliveries", _("Deliveries"), "count"),
    ("accessory_revenue", _("Accessory revenue"), "money"),
    ("insurance_penetration", _("Insurance penetration %"), "percent"),
    ("finance_penetration", _("Finance penetration %"), "percent"),
)
TARGET_FIELDS = tuple(key for key, _label, _kind in TARGET_METRICS)


def targets_for_month(*, store, month: dt.date) -> dict[int | None, SalesTarget]:
    """The month's targets keyed by consultant id (None: the store's own target)."""
    rows = SalesTarget.objects.for_store(store).filter(month=month.replace(day=1))
    return {t.consultant_id: t for t in rows}


def target_grid(*, store, month: dt.date) -> list[dict]:
    """Rows of the target editor: the store, then each consultant (with a target or
    working in the store)."""
    targets = targets_for_month(store=store, month=month)
    rows = [{"id": None, "name": _("Store total"), "target": targets.get(None)}]
    for person in _people(store, targets):
        rows.append({"id": person["id"], "name": person["name"], "user": person["user"],
                     "target": targets.get(person["id"])})
    return rows


def _delivered(store, period: Period) -> QuerySet[SalesOrder]:
    return SalesOrder.objects.for_store(store).filter(period.between("delivered_at"))


def _accessory_revenue(store, period: Period) -> dict:
    lines = OrderLine.objects.filter(
        order__store_id=store.pk, is_gift=False,
        order__delivered_at__gte=period.since, order__delivered_at__lt=period.until)
    return _grouped(lines, "order__consultant", amount=Sum(
        F("quantity") * F("unit_price"),
        output_field=DecimalField(max_digits=20, decimal_places=5)))


def _actuals(store, period: Period) -> dict[int | None, dict]:
    """Actual figures of the period keyed by consultant (None: nobody attributed)."""
    visits = _grouped(ShowroomVisit.objects.for_store(store).filter(
        WALK_IN, period.between("time_in")), "consultant", n=Count("id"))
    leads = _grouped(Lead.objects.for_store(store).filter(period.between("created_at")),
                     "consultant", n=Count("id"))
    from .models import TestDrive

    drives = _grouped(TestDrive.objects.for_store(store).filter(period.between("start")),
                      "consultant", n=Count("id"))
    orders = _grouped(SalesOrder.objects.for_store(store).filter(
        LIVE, period.between("confirmed_at")), "consultant", n=Count("id"))
    delivered = _grouped(
        _delivered(store, period), "consultant", n=Count("id"),
        insured=Count("id", filter=Q(insurance_company__gt="")),
        financed=Count("id", filter=Q(finance_bank__gt="")),
        gross_profit=Sum("gross_profit"))
    accessories = _accessory_revenue(store, period)
    keys = set(visits) | set(leads) | set(drives) | set(orders) | set(delivered) | set(
        accessories)
    result = {}
    for key in keys:
        d = delivered.get(key, {})
        result[key] = {
            "visits": visits.get(key, {}).get("n", 0),
            "new_leads": leads.get(key, {}).get("n", 0),
            "test_drives": drives.get(key, {}).get("n", 0),
            "orders": orders.get(key, {}).get("n", 0),
            "deliveries": d.get("n", 0),
            "insured": d.get("insured", 0),
            "financed": d.get("financed", 0),
            "gross_profit": _money(d.get("gross_profit")),
            "accessory_revenue": _money(accessories.get(key, {}).get("amount")),
        }
    return result


def _sum_actuals(rows: Iterable[dict]) -> dict:
    total = {"visits": 0, "new_leads": 0, "test_drives": 0, "orders": 0, "deliveries": 0,
             "insured": 0, "financed": 0, "gross_profit": ZERO, "accessory_revenue": ZERO}
    for row in rows:
        for key in total:
            total[key] += row[key]
    return total


def _with_penetration(actual: dict) -> dict:
    actual["insurance_penetration"] = rate(actual["insured"], actual["deliveries"])
    actual["finance_penetration"] = rate(actual["financed"], actual["deliveries"])
    return actual


def _target_cells(actual: dict, target: SalesTarget | None) -> list[dict]:
    cells = []
    for key, label, kind in TARGET_METRICS:
        goal = getattr(target, key) if target is not None else None
        value = actual[key]
        achieved = rate(value, goal) if goal else None
        cells.append({"key": key, "label": label, "kind": kind, "target": goal,
                      "actual": value, "achieved": achieved})
    return cells


def target_vs_actual(*, store, period: Period, consultant=None) -> dict:
    """三表一卡 sheet 1: targets of the period's month against the actual figures, per
    consultant and for the store (the store row counts everything, including walk-ins
    not attributed to anybody). ``consultant`` limits the rows to one person."""
    targets = targets_for_month(store=store, month=period.start)
    actuals = _actuals(store, period)
    zero = _sum_actuals([])
    only = consultant.pk if consultant is not None else None
    people = _people(store, [*actuals, *targets], only=only)
    rows = []
    for person in people:
        actual = _with_penetration(dict(actuals.get(person["id"], zero)))
        rows.append({"id": person["id"], "name": person["name"],
                     "cells": _target_cells(actual, targets.get(person["id"]))})
    total = _with_penetration(_sum_actuals(actuals.values()))
    return {"rows": rows, "total": {"id": None, "name": _("Store total"),
                                    "cells": _target_cells(total, targets.get(None))},
            "period": period}


# --- CS-12 sheet 2: daily activity ---------------------------------------------------

ACTIVITY_TYPES = tuple(ActivityType.choices)


def daily_activity(*, store, day: dt.date, consultant=None) -> dict:
    """三表一卡 sheet 2: per consultant on ``day``: contacts by type, walk-ins received, new
    leads, test drives, orders and deliveries."""
    period = day_period(day)
    activities = Activity.objects.for_store(store).filter(period.between("at"))
    contacts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in activities.order_by().values("user", "type").annotate(n=Count("id")):
        contacts[row["user"]][row["type"]] = row["n"]
    actuals = _actuals(store, period)
    only = consultant.pk if consultant is not None else None
    people = _people(store, [*contacts, *actuals], only=only)
    zero = _sum_actuals([])
    rows = []
    for person in people:
        by_type = contacts.get(person["id"], {})
        actual = actuals.get(person["id"], zero)
        rows.append(_activity_row(person["id"], person["name"], by_type, actual))
    total_types = {code: sum(r["contacts"][i] for r in rows)
                   for i, (code, _label) in enumerate(ACTIVITY_TYPES)}
    # Unfiltered, the total is the store's (walk-ins nobody took included), as on sheet 1.
    counted = (actuals.values() if only is None
               else [actuals.get(p["id"], zero) for p in people])
    total = _activity_row(None, _("Total"), total_types, _sum_actuals(counted))
    return {"rows": rows, "total": total, "day": day, "types": ACTIVITY_TYPES}


def _activity_row(pk, name, by_type: dict, actual: dict) -> dict:
    counts = [by_type.get(code, 0) for code, _label in ACTIVITY_TYPES]
    return {"id": pk, "name": name, "contacts": counts, "contacts_total": sum(counts),
            "visits": actual["visits"], "new_leads": actual["new_leads"],
            "test_drives": actual["test_drives"], "orders": actual["orders"],
            "deliveries": actual["deliveries"]}


# --- CS-12 sheet 3: lead contact status ----------------------------------------------


def lead_contact_status(*, user, store, consultant=None, grade: str = "",
                        overdue_only: bool = False) -> QuerySet[Lead]:
    """三表一卡 sheet 3: every open lead the user may see (a consultant: their own) with
    grade, last contact, next due and contacts so far; the most overdue first."""
    from siwei.crm.selectors import leads_open

    leads = leads_open(user=user, store=store)
    if consultant is not None:
        leads = leads.filter(consultant=consultant)
    if grade:
        leads = leads.filter(grade=grade)
    if overdue_only:
        leads = leads.filter(status=LeadStatus.OPEN, next_follow_up_at__lt=clock.now())
    return leads.order_by(F("next_follow_up_at").asc(nulls_last=True), "id")


def overdue_days(due: dt.datetime | None, now: dt.datetime | None = None) -> int | None:
    """Whole calendar days a follow-up is late by the clock (0: due earlier today); None
    when it is not overdue."""
    now = now or clock.now()
    if due is None or due >= now:
        return None
    return (timezone.localtime(now).date() - timezone.localtime(due).date()).days


def with_overdue(leads: Iterable[Lead], now: dt.datetime | None = None) -> list[Lead]:
    now = now or clock.now()
    result = list(leads)
    for lead in result:
        lead.overdue_days = overdue_days(lead.next_follow_up_at, now)
    return result


# --- CS-12 sheet 4: customer cards ---------------------------------------------------


def customer_cards(*, user, store, consultant=None) -> QuerySet[Customer]:
    """三表一卡 sheet 4: the consultant's customers (those with a lead of theirs, or for
    whom they are the responsible employee) with category, leads and last contact. Users
    who see every lead get the store's customers with a lead or a responsible employee."""
    from siwei.core.permissions import has_store_perm

    leads = Lead.objects.for_store(store)
    if consultant is None and not has_store_perm(user, store, "crm.view_all_leads"):
        consultant = user
    customers = Customer.objects.for_store(store).filter(merged_into__isnull=True)
    if consultant is not None:
        customers = customers.filter(
            Q(responsible=consultant)
            | Q(Exists(leads.filter(customer=OuterRef("pk"), consultant=consultant))))
    else:
        customers = customers.filter(Q(responsible__isnull=False)
                                     | Q(Exists(leads.filter(customer=OuterRef("pk")))))
    of_customer = Lead.objects.filter(customer=OuterRef("pk"))
    open_leads = of_customer.filter(status__in=[LeadStatus.OPEN, LeadStatus.LOSS_REQUESTED])

    def count(queryset):
        return Coalesce(Subquery(queryset.order_by().values("customer").annotate(
            n=Count("id")).values("n")[:1], output_field=IntegerField()), Value(0))

    last_contact = Activity.objects.filter(customer=OuterRef("pk")).order_by().values(
        "customer").annotate(last=Max("at")).values("last")[:1]
    return customers.annotate(
        leads_total=count(of_customer),
        leads_open=count(open_leads),
        open_grade=Subquery(open_leads.order_by("-created_at", "-id").values("grade")[:1]),
        last_contact=Subquery(last_contact),
    ).order_by(F("last_contact").desc(nulls_last=True), "name", "id")


# --- CS-20 consultant performance ----------------------------------------------------

LOSS_REASONS = tuple(LossReason.choices)


def consultant_performance(*, store, period: Period) -> dict:
    """CS-20 per consultant for the period: open leads kept at its end, owners kept (the
    distinct customers of the consultant's deliveries so far), new leads, info-left rate
    of the walk-ins they received, activities by type, deposits (orders confirmed),
    deliveries, accessory revenue per delivered car, insurance and finance penetration,
    leads lost by reason and the gross profit of the delivered orders."""
    until = period.until
    leads = Lead.objects.for_store(store)
    kept = _grouped(leads.filter(created_at__lt=until).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=until)).exclude(
        status=LeadStatus.DORMANT), "consultant", n=Count("id"))
    owners = _grouped(SalesOrder.objects.for_store(store).filter(delivered_at__lt=until),
                      "consultant", n=Count("customer", distinct=True))
    info = _grouped(ShowroomVisit.objects.for_store(store).filter(
        FIRST_VISIT, period.between("time_in")), "consultant", first=Count("id"),
        with_info=Count("id", filter=INFO_LEFT))
    activities: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (Activity.objects.for_store(store).filter(period.between("at")).order_by()
                .values("user", "type").annotate(n=Count("id"))):
        activities[row["user"]][row["type"]] = row["n"]
    lost: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (leads.filter(status=LeadStatus.LOST).filter(period.between("closed_at"))
                .order_by().values("consultant", "loss_reason").annotate(n=Count("id"))):
        lost[row["consultant"]][row["loss_reason"]] = row["n"]
    actuals = _actuals(store, period)
    people = _people(store, [*kept, *owners, *info, *activities, *lost, *actuals])
    zero = _sum_actuals([])
    rows = []
    for person in people:
        pk = person["id"]
        rows.append(_performance_row(
            pk, person["name"], kept.get(pk, {}).get("n", 0), owners.get(pk, {}).get("n", 0),
            info.get(pk, {}), activities.get(pk, {}), lost.get(pk, {}),
            actuals.get(pk, zero)))
    total_info = {"first": sum(r["first_visits"] for r in rows),
                  "with_info": sum(r["first_with_info"] for r in rows)}
    total_acts = {code: sum(r["activities"][i] for r in rows)
                  for i, (code, _l) in enumerate(ACTIVITY_TYPES)}
    total_lost = {code: sum(r["lost"][i] for r in rows) for i, (code, _l) in
                  enumerate(LOSS_REASONS)}
    total = _performance_row(None, _("Total"), sum(r["leads_kept"] for r in rows),
                             sum(r["owners_kept"] for r in rows), total_info, total_acts,
                             total_lost, _sum_actuals(actuals.get(p["id"], zero)
                                                      for p in people))
    return {"rows": rows, "total": total, "period": period, "types": ACTIVITY_TYPES,
            "reasons": LOSS_REASONS}


def _performance_row(pk, name, kept: int, owners: int, info: dict, activities: dict,
                     lost: dict, actual: dict) -> dict:
    acts = [activities.get(code, 0) for code, _l in ACTIVITY_TYPES]
    losses = [lost.get(code, 0) for code, _l in LOSS_REASONS]
    deliveries = actual["deliveries"]
    return {
        "id": pk, "name": name, "leads_kept": kept, "owners_kept": owners,
        "new_leads": actual["new_leads"],
        "first_visits": info.get("first", 0), "first_with_info": info.get("with_info", 0),
        "info_left_rate": rate(info.get("with_info", 0), info.get("first", 0)),
        "activities": acts, "activities_total": sum(acts),
        "orders": actual["orders"], "deliveries": deliveries,
        "accessory_revenue": actual["accessory_revenue"],
        "accessories_per_car": _per_car(actual["accessory_revenue"], deliveries),
        "insurance_penetration": rate(actual["insured"], deliveries),
        "finance_penetration": rate(actual["financed"], deliveries),
        "lost": losses, "lost_total": sum(losses),
        "gross_profit": actual["gross_profit"],
    }


# --- CS-8 lost-lead analysis ---------------------------------------------------------


def lost_leads(*, store, period: Period) -> QuerySet[Lead]:
    """Leads closed as lost (approved) in the period."""
    return Lead.objects.for_store(store).filter(status=LeadStatus.LOST).filter(
        period.between("closed_at"))


def _matrix(rows: Iterable[dict], key: str, label) -> list[dict]:
    """Rows ``{key, label, counts per reason, total}`` from (key, reason, n) records."""
    table: dict = {}
    for row in rows:
        entry = table.setdefault(row[key], {"key": row[key], "label": label(row),
                                            "by_reason": defaultdict(int)})
        entry["by_reason"][row["loss_reason"]] += row["n"]
    result = []
    for entry in table.values():
        counts = [entry["by_reason"].get(code, 0) for code, _l in LOSS_REASONS]
        result.append({"key": entry["key"], "label": entry["label"], "counts": counts,
                       "total": sum(counts)})
    return result


def lost_lead_analysis(*, store, period: Period) -> dict:
    """CS-8: lost leads of the period by reason, and reason by model of interest, by
    consultant and by month. A lead interested in two models counts under each model."""
    lost = lost_leads(store=store, period=period).order_by()
    by_reason = {row["loss_reason"]: row["n"] for row in
                 lost.values("loss_reason").annotate(n=Count("id"))}
    reasons = [{"code": code, "label": label, "n": by_reason.get(code, 0)}
               for code, label in LOSS_REASONS]
    unspecified = _("Not specified")
    models = _matrix(
        lost.values("models_of_interest", "models_of_interest__brand",
                    "models_of_interest__name", "loss_reason").annotate(n=Count("id")),
        "models_of_interest",
        lambda r: (f"{r['models_of_interest__brand']} {r['models_of_interest__name']}"
                   if r["models_of_interest"] else unspecified))
    models.sort(key=lambda r: (-r["total"], str(r["label"])))
    per_consultant = list(lost.values("consultant", "loss_reason").annotate(n=Count("id")))
    names = {p["id"]: p["name"] for p in _people(store, [r["consultant"]
                                                         for r in per_consultant])}
    consultants = _matrix(per_consultant, "consultant", lambda r: names.get(r["consultant"], ""))
    consultants.sort(key=lambda r: (-r["total"], r["label"]))
    months = _matrix(
        lost.annotate(month=TruncMonth("closed_at")).values("month", "loss_reason")
        .annotate(n=Count("id")), "month", lambda r: f"{r['month']:%Y-%m}")
    months.sort(key=lambda r: r["key"])
    return {"total": sum(by_reason.values()), "reasons": reasons, "models": models,
            "consultants": consultants, "months": months, "reason_labels": LOSS_REASONS,
            "period": period}


# --- exports -------------------------------------------------------------------------


def audit_export(*, actor, store, report: str, note: str = "") -> None:
    """Exports of reports that carry customers' data are audited (architecture.md)."""
    from siwei.core.audit import audit_record

    audit_record(actor=actor, action="report.export", store=store, object_type="report",
                 object_id=report, note=note)
