"""Service KPIs of the service manager (service.md, "Service KPIs"), set-based over a
period for one or several stores side by side, and per month for the trend.

Definitions (shown on the page):

- *repair orders*: orders received in the period, cancelled ones left out; per category
  (SV-6) and per day;
- *comeback rate* (返修率) = comebacks (linked to an earlier order, or of the comeback
  category) / repair orders;
- *appointment rate* = repair orders from an appointment / repair orders; *show rate* =
  arrived / (booked − cancelled) over the appointments of the period whose outcome is
  known (as on the appointment KPIs page);
- *hours sold*: sold hours of the job lines (declined work left out) of the orders settled
  in the period; *labour revenue*: their amounts, less the discount on the customer's
  labour; *effective labour rate* = labour revenue / hours sold; *hours sold per
  technician* = hours sold / technicians with a shift in the period;
- *productivity* and *efficiency* of the technicians as on the workshop KPIs page
  (clocked / on shift, sold on the jobs finished / clocked);
- *first-time-pass rate*: orders whose final inspection passed in the period without an
  earlier failed inspection / orders whose final inspection passed;
- over the orders released (gate pass) in the period: *on-time delivery* = released no
  later than the promised time; *same-day delivery* = released on the day they were
  received; *average dwell time* = mean of released − received, in hours;
- warranty claims: *approval rate* and *days to payment* as on the warranty page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
    When,
)
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from siwei.core import clock
from siwei.core.periods import month_of

from .models import (
    Appointment,
    AppointmentStatus,
    ClaimStatus,
    Inspection,
    Job,
    JobStatus,
    Payer,
    RepairOrder,
    ROCategory,
    ROStatus,
    TechnicianShift,
    WarrantyClaim,
)
from .selectors_workshop import Period, _duration_hours, rate, ratio, workshop_totals

A = AppointmentStatus
CENT = Decimal("0.01")
SETTLED = (ROStatus.SETTLED, ROStatus.PAID, ROStatus.RELEASED, ROStatus.CLOSED)
# Counted figures, summed over stores for the total.
COUNTS = ("ros", "comebacks", "from_appointment", "delivered", "on_time", "same_day",
          "inspected", "first_pass", "booked", "cancelled", "arrived", "technicians",
          "claims_approved", "claims_rejected", "claims_paid", "claim_days")
AMOUNTS = ("hours_sold", "labour_gross", "labour_discount", "dwell_hours", "clocked",
           "on_shift", "finished_sold")
TARGET_ON_TIME = Decimal(95)
TARGET_SAME_DAY = Decimal(80)


def _tz():
    return timezone.get_current_timezone()


def _key(by: str, field: str, store_path: str = "store"):
    """The grouping expression: the store, or the month of ``field``."""
    if by == "store":
        return F(store_path)
    return TruncMonth(field, tzinfo=_tz())


def _norm(by: str, value):
    return value if by == "store" else month_of(value)


def _raw() -> dict[str, Any]:
    row: dict[str, Any] = {key: 0 for key in COUNTS}
    row.update({key: Decimal(0) for key in AMOUNTS})
    row["categories"] = {}
    return row


def _grouped(*, stores, period: Period, by: str) -> dict[Any, dict[str, Any]]:
    """The counted figures of the period grouped by store (``by="store"``) or by month
    (``by="month"``): four queries whatever the number of stores, months or orders."""
    store_ids = [s.pk for s in stores]
    rows: dict[Any, dict[str, Any]] = defaultdict(_raw)
    received = (RepairOrder.objects.filter(store_id__in=store_ids)
                .filter(period.between("received_at")).exclude(status=ROStatus.CANCELLED))
    for r in (received.annotate(k=_key(by, "received_at")).order_by().values("k")
              .annotate(ros=Count("id"),
                        comebacks=Count("id", filter=Q(comeback_of__isnull=False)
                                        | Q(category=ROCategory.COMEBACK)),
                        from_appointment=Count("id", filter=Q(appointment__isnull=False)))):
        row = rows[_norm(by, r["k"])]
        row.update(ros=r["ros"], comebacks=r["comebacks"],
                   from_appointment=r["from_appointment"])
    dwell = ExpressionWrapper(F("released_at") - F("received_at"), output_field=DurationField())
    released = (RepairOrder.objects.filter(store_id__in=store_ids, released_at__isnull=False)
                .filter(period.between("released_at"))
                .annotate(k=_key(by, "released_at"),
                          received_day=TruncDate("received_at", tzinfo=_tz()),
                          released_day=TruncDate("released_at", tzinfo=_tz())))
    for r in (released.order_by().values("k")
              .annotate(delivered=Count("id"),
                        on_time=Count("id", filter=Q(released_at__lte=F("promised_at"))),
                        same_day=Count("id", filter=Q(received_day=F("released_day"))),
                        dwell=Sum(dwell))):
        row = rows[_norm(by, r["k"])]
        row.update(delivered=r["delivered"], on_time=r["on_time"], same_day=r["same_day"],
                   dwell_hours=_duration_hours(r["dwell"]))
    customer_discount = Case(
        When(payer=Payer.CUSTOMER, then=F("amount") * F("repair_order__discount_percent")),
        default=0, output_field=DecimalField(max_digits=20, decimal_places=4))
    labour = (Job.objects.filter(repair_order__store_id__in=store_ids,
                                 repair_order__status__in=SETTLED)
              .filter(period.between("repair_order__settled_at"))
              .exclude(status=JobStatus.DECLINED).exclude(declined=True))
    for r in (labour.annotate(k=_key(by, "repair_order__settled_at", "repair_order__store"))
              .order_by().values("k")
              .annotate(hours=Sum("hours"), gross=Sum("amount"),
                        discount=Sum(customer_discount))):
        row = rows[_norm(by, r["k"])]
        row["hours_sold"] = Decimal(r["hours"] or 0)
        row["labour_gross"] = Decimal(r["gross"] or 0)
        row["labour_discount"] = Decimal(r["discount"] or 0) / 100
    earlier_failure = Inspection.objects.filter(repair_order=OuterRef("repair_order"),
                                                passed=False, id__lt=OuterRef("id"))
    finals = (Inspection.objects.filter(repair_order__store_id__in=store_ids,
                                        level=Inspection.Level.FINAL, passed=True)
              .filter(period.between("at")).annotate(reworked=Exists(earlier_failure)))
    for r in (finals.annotate(k=_key(by, "at", "repair_order__store")).order_by().values("k")
              .annotate(inspected=Count("repair_order", distinct=True),
                        first_pass=Count("repair_order", distinct=True,
                                         filter=Q(reworked=False)))):
        row = rows[_norm(by, r["k"])]
        row.update(inspected=r["inspected"], first_pass=r["first_pass"])
    return rows


def _store_extras(*, stores, period: Period, rows: dict, now: dt.datetime) -> None:
    """What only the per-store view shows: categories, appointments, technicians on
    shift, the workshop's productivity and efficiency, warranty claims."""
    store_ids = [s.pk for s in stores]
    for r in (RepairOrder.objects.filter(store_id__in=store_ids)
              .filter(period.between("received_at")).exclude(status=ROStatus.CANCELLED)
              .order_by().values("store", "category").annotate(n=Count("id"))):
        rows[r["store"]]["categories"][r["category"]] = r["n"]
    for r in (Appointment.objects.filter(store_id__in=store_ids).filter(period.between("start"))
              .exclude(status__in=[A.RESCHEDULED, A.BOOKED, A.CONFIRMED])
              .order_by().values("store")
              .annotate(booked=Count("id"), cancelled=Count("id", filter=Q(status=A.CANCELLED)),
                        arrived=Count("id", filter=Q(status__in=[A.ARRIVED, A.DONE])))):
        rows[r["store"]].update(booked=r["booked"], cancelled=r["cancelled"],
                                arrived=r["arrived"])
    for r in (TechnicianShift.objects.filter(store_id__in=store_ids, day__gte=period.start,
                                             day__lte=period.end)
              .order_by().values("store").annotate(n=Count("technician", distinct=True))):
        rows[r["store"]]["technicians"] = r["n"]
    for store_id, total in workshop_totals(stores=stores, period=period, now=now).items():
        rows[store_id].update(clocked=total["clocked"], on_shift=total["on_shift"],
                                finished_sold=total["sold"])
    claims = WarrantyClaim.objects.filter(store_id__in=store_ids)
    for r in (claims.filter(period.between("decided_at")).order_by().values("store")
              .annotate(approved=Count("id", filter=Q(status__in=[ClaimStatus.APPROVED,
                                                                  ClaimStatus.PAID])),
                        rejected=Count("id", filter=Q(status=ClaimStatus.REJECTED)))):
        rows[r["store"]].update(claims_approved=r["approved"], claims_rejected=r["rejected"])
    for store_id, submitted, paid in (claims.filter(period.between("paid_at"),
                                                    first_submitted_at__isnull=False)
                                      .values_list("store", "first_submitted_at", "paid_at")):
        rows[store_id]["claims_paid"] += 1
        rows[store_id]["claim_days"] += (timezone.localtime(paid).date()
                                         - timezone.localtime(submitted).date()).days


def _money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def figures(raw: dict[str, Any]) -> dict[str, Any]:
    """The KPIs from the counted figures of a store, a month or a total."""
    row = dict(raw)
    revenue = _money(row["labour_gross"] - row["labour_discount"])
    row["labour_revenue"] = revenue
    row["hours_sold"] = _money(row["hours_sold"])
    row["effective_labour_rate"] = (_money(revenue / row["hours_sold"])
                                    if row["hours_sold"] else None)
    row["hours_per_technician"] = ratio(row["hours_sold"], row["technicians"])
    row["comeback_rate"] = rate(row["comebacks"], row["ros"])
    row["appointment_rate"] = rate(row["from_appointment"], row["ros"])
    row["show_rate"] = rate(row["arrived"], row["booked"] - row["cancelled"])
    row["ftp_rate"] = rate(row["first_pass"], row["inspected"])
    row["on_time_rate"] = rate(row["on_time"], row["delivered"])
    row["same_day_rate"] = rate(row["same_day"], row["delivered"])
    row["average_dwell_hours"] = ratio(row["dwell_hours"], row["delivered"])
    row["productivity"] = rate(row["clocked"], row["on_shift"])
    row["efficiency"] = rate(row["finished_sold"], row["clocked"])
    decided = row["claims_approved"] + row["claims_rejected"]
    row["claim_approval_rate"] = rate(row["claims_approved"], decided)
    row["days_to_payment"] = (Decimal(row["claim_days"]) / row["claims_paid"]).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP) if row["claims_paid"] else None
    row["on_time_ok"] = row["on_time_rate"] is None or row["on_time_rate"] >= TARGET_ON_TIME
    row["same_day_ok"] = (row["same_day_rate"] is None
                          or row["same_day_rate"] >= TARGET_SAME_DAY)
    return row


def _sum(rows: list[dict[str, Any]]) -> dict[str, Any]:
    total = _raw()
    for row in rows:
        for key in (*COUNTS, *AMOUNTS):
            total[key] += row[key]
        for category, n in row["categories"].items():
            total["categories"][category] = total["categories"].get(category, 0) + n
    return total


def service_kpis(*, stores, period: Period, now: dt.datetime | None = None) -> dict[str, Any]:
    """The KPIs of each store (in the order given) and of all of them, with the repair
    orders per day and category of the stores together (the chart)."""
    now = now or clock.now()
    stores = list(stores)
    rows = _grouped(stores=stores, period=period, by="store")
    _store_extras(stores=stores, period=period, rows=rows, now=now)
    columns = [{"store": s, **figures(rows[s.pk])} for s in stores]
    total = figures(_sum([rows[s.pk] for s in stores]))
    per_day: dict[dt.date, dict[str, int]] = {day: {} for day in period.days}
    for r in (RepairOrder.objects.filter(store_id__in=[s.pk for s in stores])
              .filter(period.between("received_at")).exclude(status=ROStatus.CANCELLED)
              .annotate(day=TruncDate("received_at", tzinfo=_tz())).order_by()
              .values("day", "category").annotate(n=Count("id"))):
        day = r["day"] if isinstance(r["day"], dt.date) else dt.date.fromisoformat(r["day"])
        if day in per_day:
            per_day[day][r["category"]] = r["n"]
    return {"period": period, "stores": stores, "columns": columns, "total": total,
            "per_day": per_day}


def month_periods(end: dt.date, months: int) -> list[dt.date]:
    """The first days of the ``months`` months up to the one of ``end``, oldest first."""
    first = end.replace(day=1)
    result = [first]
    for _i in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        result.append(first)
    return result[::-1]


def monthly_trend(*, stores, months: int = 6, end: dt.date | None = None) -> list[dict]:
    """Month by month (the current month to date last): repair orders, hours sold,
    effective labour rate, comeback, first-time-pass, on-time and same-day delivery
    rates and the average dwell time of the stores together. Four queries."""
    end = end or clock.today()
    firsts = month_periods(end, months)
    rows = _grouped(stores=stores, period=Period(firsts[0], end), by="month")
    return [{"month": first, **figures(rows.get(first) or _raw())} for first in firsts]


def today_count(*, stores) -> int:
    today = clock.today()
    return (RepairOrder.objects.filter(store_id__in=[s.pk for s in stores])
            .filter(Period(today, today).between("received_at"))
            .exclude(status=ROStatus.CANCELLED).count())
