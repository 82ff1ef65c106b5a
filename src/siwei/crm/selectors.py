"""Read queries of customers, vehicles, leads and the showroom (CS-5, CS-6, CS-9)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from siwei.core import clock
from siwei.core.permissions import has_store_perm

from .models import Activity, Customer, Lead, LeadStatus, ShowroomVisit, Vehicle, VisitKind

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
DIGITS4_RE = re.compile(r"^\d{4}$")
VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
VIN6_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{6}$")
PLATE_START_RE = re.compile(r"^[\u4e00-\u9fff][A-Z]")
LETTERS_RE = re.compile(r"^[a-z]+$")


@dataclass(frozen=True)
class SearchTerm:
    kind: str  # mobile, last4, vin, vin6, plate, pinyin, name
    value: str


def classify(query: str) -> list[SearchTerm]:
    """What the search box text may be: a query can mean more than one thing
    (``123456`` may end a VIN or be part of a plate)."""
    raw = re.sub(r"[\s·.\-]", "", (query or "").strip())
    if not raw:
        return []
    digits = raw[3:] if raw.startswith("+86") else raw
    upper = raw.upper()
    if MOBILE_RE.match(digits):
        return [SearchTerm("mobile", digits)]
    if DIGITS4_RE.match(raw):
        return [SearchTerm("last4", raw)]
    if VIN_RE.match(upper):
        return [SearchTerm("vin", upper)]
    if PLATE_START_RE.match(upper):
        return [SearchTerm("plate", upper)]
    if VIN6_RE.match(upper) and any(c.isdigit() for c in upper):
        return [SearchTerm("vin6", upper), SearchTerm("plate_part", upper)]
    if LETTERS_RE.match(raw.lower()) and raw.isascii():
        return [SearchTerm("pinyin", raw.lower())]
    return [SearchTerm("name", raw)]


def customers_for(user, store=None) -> QuerySet[Customer]:
    qs = Customer.objects.filter(merged_into__isnull=True)
    return qs.for_store(store) if store is not None else qs.for_user(user)


def customer_search(*, user, store, query: str) -> QuerySet[Customer]:
    """CS-5 search: name, pinyin, initials, mobile or its last 4 digits, plate, VIN or its
    last 6. Every branch uses an index that starts with the store."""
    base = customers_for(user, store)
    condition = Q(pk__in=[])
    vehicles = Vehicle.objects.for_store(store)
    for term in classify(query):
        if term.kind == "mobile":
            condition |= Q(mobile=term.value)
        elif term.kind == "last4":
            condition |= Q(mobile_last4=term.value)
        elif term.kind == "vin":
            condition |= Q(pk__in=vehicles.filter(vin=term.value).values("owner_id"))
        elif term.kind == "vin6":
            condition |= Q(pk__in=vehicles.filter(vin_last6=term.value).values("owner_id"))
        elif term.kind in ("plate", "plate_part"):
            lookup = "plate__startswith" if term.kind == "plate" else "plate__contains"
            condition |= Q(pk__in=vehicles.filter(**{lookup: term.value}).values("owner_id"))
        elif term.kind == "pinyin":
            condition |= Q(name_pinyin__startswith=term.value) | Q(
                name_initials__startswith=term.value)
        else:
            condition |= Q(name__startswith=term.value) | Q(name__contains=term.value)
    return base.filter(condition).prefetch_related(
        Prefetch("vehicles", queryset=Vehicle.objects.select_related("model"))
    ).order_by("name", "id")


def vehicle_search(*, user, store, query: str) -> QuerySet[Vehicle]:
    vehicles = Vehicle.objects.for_store(store).select_related("owner", "model")
    condition = Q(pk__in=[])
    for term in classify(query):
        if term.kind == "vin":
            condition |= Q(vin=term.value)
        elif term.kind == "vin6":
            condition |= Q(vin_last6=term.value)
        elif term.kind == "plate":
            condition |= Q(plate__startswith=term.value)
        elif term.kind == "plate_part":
            condition |= Q(plate__contains=term.value)
        elif term.kind == "mobile":
            condition |= Q(owner__mobile=term.value)
        elif term.kind == "last4":
            condition |= Q(owner__mobile_last4=term.value)
    return vehicles.filter(condition).order_by("plate")


def leads_visible(*, user, store) -> QuerySet[Lead]:
    """A consultant sees their own leads; managers see the store's (quality.md)."""
    leads = Lead.objects.for_store(store).select_related("customer", "consultant__employee")
    if not has_store_perm(user, store, "crm.view_all_leads"):
        leads = leads.filter(consultant=user)
    return leads


def leads_open(*, user, store) -> QuerySet[Lead]:
    return leads_visible(user=user, store=store).filter(
        status__in=[LeadStatus.OPEN, LeadStatus.LOSS_REQUESTED])


def leads_overdue(*, user, store, now: dt.datetime | None = None) -> QuerySet[Lead]:
    now = now or clock.now()
    return leads_visible(user=user, store=store).filter(
        status=LeadStatus.OPEN, next_follow_up_at__lt=now).order_by("next_follow_up_at")


def leads_due_today(*, user, store) -> QuerySet[Lead]:
    now = clock.localnow()
    end = now.replace(hour=23, minute=59, second=59)
    return leads_visible(user=user, store=store).filter(
        status=LeadStatus.OPEN, next_follow_up_at__gte=now, next_follow_up_at__lte=end)


def leads_by_grade(*, user, store) -> dict[str, int]:
    rows = leads_open(user=user, store=store).values("grade").annotate(n=Count("id"))
    counts = {grade: 0 for grade in "OHABC"}
    counts.update({row["grade"]: row["n"] for row in rows})
    return counts


def leads_awaiting_loss_approval(*, store) -> QuerySet[Lead]:
    return Lead.objects.for_store(store).filter(status=LeadStatus.LOSS_REQUESTED).select_related(
        "customer", "consultant__employee").order_by("loss_requested_at")


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def showroom_statistics(*, store, start: dt.date, end: dt.date) -> dict:
    """CS-9: visits, calls, info-left rate (留档率 = first visits with contact info / first
    visits), test-drive rate and visit-to-order conversion for the days start … end."""
    since, _ = _day_bounds(start)
    _, until = _day_bounds(end)
    visits = ShowroomVisit.objects.for_store(store).filter(time_in__gte=since, time_in__lt=until)
    info = Q(visitor_mobile__gt="") | Q(customer__isnull=False)
    totals = visits.aggregate(
        walk_ins=Count("id", filter=Q(kind=VisitKind.WALK_IN)),
        calls=Count("id", filter=Q(kind=VisitKind.CALL)),
        first_visits=Count("id", filter=Q(kind=VisitKind.WALK_IN, first_visit=True)),
        first_with_info=Count("id", filter=Q(kind=VisitKind.WALK_IN, first_visit=True) & info),
        test_drives=Count("id", filter=Q(kind=VisitKind.WALK_IN, test_drive=True)),
    )
    from siwei.sales.selectors import orders_confirmed_between

    totals["orders"] = orders_confirmed_between(store=store, since=since, until=until).count()
    totals["info_left_rate"] = _rate(totals["first_with_info"], totals["first_visits"])
    totals["test_drive_rate"] = _rate(totals["test_drives"], totals["walk_ins"])
    totals["conversion_rate"] = _rate(totals["orders"], totals["walk_ins"])
    return totals


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def customer_card(*, customer: Customer) -> dict:
    """Everything the customer card (CS-5) shows, in a bounded number of queries."""
    vehicles = list(customer.vehicles.select_related("model", "selling_store"))
    leads = list(customer.leads.select_related("consultant__employee").order_by("-created_at"))
    activities = list(
        Activity.objects.filter(customer=customer).select_related("user__employee")
        .order_by("-at")[:50]
    )
    referrals = list(customer.referrals.all()[:20])
    return {"vehicles": vehicles, "leads": leads, "activities": activities,
            "referrals": referrals}


def customer_due_dates(customer: Customer, vehicles: list[Vehicle]) -> list[dict]:
    """What is due for the customer (CS-5): maintenance, insurance, warranty end, birthday."""
    today = clock.today()
    due = []
    for vehicle in vehicles:
        label = vehicle.plate or vehicle.vin[-6:]
        for kind, day in (("maintenance", vehicle.next_maintenance_date),
                          ("insurance", vehicle.insurance_expiry),
                          ("warranty_end", vehicle.warranty_end)):
            if day is not None:
                due.append({"kind": kind, "date": day, "vehicle": label,
                            "days": (day - today).days})
    if customer.birthday:
        try:
            next_birthday = customer.birthday.replace(year=today.year)
        except ValueError:
            next_birthday = dt.date(today.year, 2, 28)
        if next_birthday < today:
            next_birthday = clock.add_months(next_birthday, 12)
        due.append({"kind": "birthday", "date": next_birthday, "vehicle": "",
                    "days": (next_birthday - today).days})
    return sorted(due, key=lambda item: item["date"])
