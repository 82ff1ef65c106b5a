"""Reads of the warranty area: claims and their KPIs (SV-17), the knowledge base (SV-19),
equipment, instruments and tool loans (SV-20)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from siwei.core import clock

from .models import (
    ClaimStatus,
    Equipment,
    EquipmentKind,
    FailedPartTag,
    Job,
    KnowledgeEntry,
    KnowledgeStatus,
    PartLine,
    Payer,
    RepairOrder,
    TagStatus,
    ToolLoan,
    WarrantyClaim,
)
from .models.resources import YELLOW_DAYS
from .services.warranty import CLAIMABLE_RO

# --- warranty claims ------------------------------------------------------------------


def claims_for(*, store, status: str | None = None, q: str = "") -> QuerySet[WarrantyClaim]:
    claims = WarrantyClaim.objects.for_store(store).select_related(
        "repair_order", "vehicle", "vehicle__model", "causal_part")
    if status:
        claims = claims.filter(status=status)
    if q:
        claims = claims.filter(Q(number__icontains=q) | Q(vin__icontains=q)
                               | Q(repair_order__number__icontains=q)
                               | Q(vehicle__plate__icontains=q))
    return claims


def claim_counts(*, store) -> dict[str, int]:
    rows = WarrantyClaim.objects.for_store(store).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def ros_awaiting_claim(*, store) -> QuerySet[RepairOrder]:
    """Repair orders whose work is done, with warranty lines and no claim yet."""
    warranty_job = Job.objects.filter(repair_order=OuterRef("pk"), payer=Payer.WARRANTY,
                                      declined=False)
    warranty_part = PartLine.objects.filter(repair_order=OuterRef("pk"),
                                            payer=Payer.WARRANTY, declined=False)
    return (RepairOrder.objects.for_store(store)
            .filter(status__in=CLAIMABLE_RO, warranty_claim__isnull=True)
            .filter(Exists(warranty_job) | Exists(warranty_part))
            .select_related("vehicle", "customer").order_by("-received_at"))


def claim_kpis(*, store, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Approval rate: claims answered in the period that were approved (paid counts as
    approved) out of all answered; days to payment: from first submission to payment,
    for claims paid in the period; the receivable: approved and not yet paid."""
    claims = WarrantyClaim.objects.for_store(store)
    answered = claims.filter(decided_at__date__gte=start, decided_at__date__lte=end)
    approved = answered.filter(status__in=[ClaimStatus.APPROVED, ClaimStatus.PAID]).count()
    rejected = answered.filter(status=ClaimStatus.REJECTED).count()
    decided = approved + rejected
    paid = list(claims.filter(paid_at__date__gte=start, paid_at__date__lte=end,
                              first_submitted_at__isnull=False)
                .values_list("first_submitted_at", "paid_at"))
    days = [(timezone.localtime(p).date() - timezone.localtime(s).date()).days
            for s, p in paid]
    receivable = claims.filter(status=ClaimStatus.APPROVED).aggregate(
        s=Sum("approved_amount"))["s"] or Decimal("0.00")
    return {
        "approved": approved, "rejected": rejected,
        "approval_rate": round(100 * approved / decided, 1) if decided else None,
        "paid": len(days),
        "days_to_payment": round(sum(days) / len(days), 1) if days else None,
        "receivable": receivable,
        "submitted": claims.filter(status=ClaimStatus.SUBMITTED).aggregate(
            s=Sum("amount"))["s"] or Decimal("0.00"),
    }


def failed_parts(*, store, status: str | None = TagStatus.KEPT) -> QuerySet[FailedPartTag]:
    tags = FailedPartTag.objects.for_store(store).select_related("claim", "part",
                                                                 "disposed_by__employee")
    return tags.filter(status=status) if status else tags


# --- knowledge base (read by every store of the group) --------------------------------


def knowledge_search(*, group, q: str = "", model=None, status: str | None =
                     KnowledgeStatus.APPROVED) -> QuerySet[KnowledgeEntry]:
    entries = (KnowledgeEntry.objects.filter(group=group)
               .select_related("store", "author__employee", "approved_by__employee")
               .prefetch_related("vehicle_models"))
    if status:
        entries = entries.filter(status=status)
    if model is not None:
        entries = entries.filter(Q(vehicle_models=model) | Q(vehicle_models__isnull=True))
    for word in (q or "").split():
        entries = entries.filter(Q(title__icontains=word) | Q(symptom__icontains=word)
                                 | Q(diagnosis__icontains=word) | Q(cause__icontains=word)
                                 | Q(fix__icontains=word) | Q(parts__icontains=word))
    return entries.distinct()


def knowledge_waiting(*, group) -> QuerySet[KnowledgeEntry]:
    return knowledge_search(group=group, status=KnowledgeStatus.DRAFT)


# --- equipment ------------------------------------------------------------------------


def equipment_list(*, store, kind: str | None = None, q: str = "") -> QuerySet[Equipment]:
    items = Equipment.objects.for_store(store).select_related("responsible__employee")
    if kind:
        items = items.filter(kind=kind)
    if q:
        items = items.filter(Q(asset_number__icontains=q) | Q(name__icontains=q)
                             | Q(location__icontains=q))
    return items


def instruments_attention(*, store, on: dt.date | None = None) -> QuerySet[Equipment]:
    """Instruments that are red (overdue, never calibrated, stopped) or yellow (due within
    14 days), the earliest first."""
    on = on or clock.today()
    return (Equipment.objects.for_store(store).filter(kind=EquipmentKind.INSTRUMENT)
            .filter(Q(next_calibration__isnull=True) | Q(out_of_service=True)
                    | Q(next_calibration__lte=on + dt.timedelta(days=YELLOW_DAYS)))
            .order_by("next_calibration", "asset_number"))


def open_loans(*, store) -> QuerySet[ToolLoan]:
    return (ToolLoan.objects.for_store(store).filter(returned_at__isnull=True)
            .select_related("tool", "borrower__employee", "repair_order").order_by("due_at"))


def overdue_loans(*, store, now: dt.datetime | None = None) -> QuerySet[ToolLoan]:
    return open_loans(store=store).filter(due_at__lt=now or clock.now())
