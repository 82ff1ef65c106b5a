"""Warranty claims to the OEM (索赔, SV-17).

The warranty lines of a repair order (payer ``warranty``) become a claim: vehicle, VIN,
mileage, repair date, complaint, cause, correction, causal part, failure code, labour and
parts. A vehicle outside its warranty by date or km is refused (``warranty_expired``).
States: draft → submitted → approved (amount) / rejected (reason) → paid; a rejected
claim is corrected and resubmitted. Failed parts stay tagged with the claim number until
the OEM says to return or scrap them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.errors import DomainError, invalid_transition
from siwei.core.fields import ZERO, money
from siwei.core.numbering import number_next
from siwei.core.transactions import service_transaction
from siwei.crm.models import Vehicle

from ..models import (
    CLAIM_FLOW,
    ClaimLineKind,
    ClaimStatus,
    FailedPartTag,
    JobStatus,
    Payer,
    RepairOrder,
    ROStatus,
    TagStatus,
    WarrantyClaim,
    WarrantyClaimLine,
)

# Work must be done before it is claimed.
CLAIMABLE_RO = (ROStatus.COMPLETED, ROStatus.INSPECTED, ROStatus.SETTLED, ROStatus.PAID,
                ROStatus.RELEASED, ROStatus.CLOSED)
EDITABLE_FIELDS = ("complaint", "cause", "correction", "causal_part", "failure_code")


def warranty_check(*, vehicle: Vehicle, mileage: int | None, on_date: dt.date) -> None:
    """Refuse (409 ``warranty_expired``) work paid by the OEM on a vehicle outside its
    warranty: after ``Vehicle.warranty_end`` or above ``Vehicle.warranty_km``. A vehicle
    without warranty terms on record is outside warranty."""
    if vehicle.warranty_end is None and vehicle.warranty_km is None:
        raise DomainError("warranty_expired",
                          _("The vehicle has no warranty on record."))
    if vehicle.warranty_end is not None and on_date > vehicle.warranty_end:
        raise DomainError(
            "warranty_expired",
            _("The warranty ended on %(date)s.") % {"date": vehicle.warranty_end},
            warranty_end=vehicle.warranty_end.isoformat())
    if vehicle.warranty_km is not None and mileage is not None and \
            int(mileage) > vehicle.warranty_km:
        raise DomainError(
            "warranty_expired",
            _("%(km)s km is beyond the warranty of %(limit)s km.")
            % {"km": mileage, "limit": vehicle.warranty_km}, warranty_km=vehicle.warranty_km)


def _repair_date(ro: RepairOrder) -> dt.date:
    return timezone.localtime(ro.received_at).date() if ro.received_at else clock.today()


def _snapshot(claim: WarrantyClaim) -> dict[str, Any]:
    return {"status": claim.status, "amount": claim.amount,
            "approved_amount": claim.approved_amount,
            "rejection_reason": claim.rejection_reason}


@service_transaction
def claim_create_from_repair_order(*, actor, repair_order: RepairOrder) -> WarrantyClaim:
    """A draft claim from the RO's lines paid by the OEM, with a failed-part tag for each
    warranty part. One claim per repair order."""
    ro = RepairOrder.objects.select_for_update().select_related("vehicle").get(
        pk=repair_order.pk)
    existing = WarrantyClaim.objects.filter(repair_order=ro).first()
    if existing is not None:
        raise DomainError("claim_exists", _("Repair order %(ro)s already has claim %(claim)s.")
                          % {"ro": ro.number, "claim": existing.number},
                          existing_id=existing.pk)
    if ro.status not in CLAIMABLE_RO:
        raise invalid_transition(ro.status, "claim")
    jobs = [j for j in ro.jobs.select_related("operation").all()
            if j.payer == Payer.WARRANTY and j.status != JobStatus.DECLINED and not j.declined]
    parts = [p for p in ro.part_lines.select_related("part").all()
             if p.payer == Payer.WARRANTY and not p.declined]
    if not jobs and not parts:
        raise DomainError("nothing_to_claim",
                          _("The repair order has no lines paid by the warranty."))
    repair_date = _repair_date(ro)
    warranty_check(vehicle=ro.vehicle, mileage=ro.mileage, on_date=repair_date)
    now = clock.now()
    claim = WarrantyClaim(
        store=ro.store, number=number_next(store=ro.store, doc_type="WC"), repair_order=ro,
        vehicle=ro.vehicle, vin=ro.vehicle.vin, mileage=ro.mileage, repair_date=repair_date,
        complaint="\n".join(c.text for c in ro.concerns.all()), cause=ro.diagnosis,
        correction="\n".join(j.name for j in jobs),
        causal_part=parts[0].part if parts else None, created_by=actor
        if getattr(actor, "is_authenticated", False) else None, created_at=now)
    claim.save()
    lines = []
    for job in jobs:
        amount = job.amount or money(job.hours * job.rate)
        lines.append(WarrantyClaimLine(
            claim=claim, kind=ClaimLineKind.LABOUR, job=job,
            code=job.operation.code if job.operation_id else "", description=job.name[:120],
            hours=job.hours, quantity=Decimal("1"), unit_price=job.rate, amount=amount))
    for line in parts:
        amount = line.amount or money(line.quantity * line.unit_price)
        lines.append(WarrantyClaimLine(
            claim=claim, kind=ClaimLineKind.PART, part_line=line, part=line.part,
            code=line.part.number, description=line.part.name[:120], quantity=line.quantity,
            unit_price=line.unit_price, amount=amount))
    WarrantyClaimLine.objects.bulk_create(lines)
    FailedPartTag.objects.bulk_create([
        FailedPartTag(store=ro.store, claim=claim, part=line.part, quantity=line.quantity,
                      tag=f"{claim.number}/{index}", tagged_at=now)
        for index, line in enumerate(parts, start=1)])
    _totals(claim, lines)
    claim.save(update_fields=["labour_hours", "labour_amount", "parts_amount", "amount"])
    audit_record(actor=actor, action="warranty.create", obj=claim, after=_snapshot(claim))
    return claim


def _totals(claim: WarrantyClaim, lines: list[WarrantyClaimLine]) -> None:
    labour = [line for line in lines if line.kind == ClaimLineKind.LABOUR]
    claim.labour_hours = sum((line.hours for line in labour), Decimal("0"))
    claim.labour_amount = money(sum((line.amount for line in labour), ZERO))
    claim.parts_amount = money(sum((line.amount for line in lines
                                    if line.kind == ClaimLineKind.PART), ZERO))
    claim.amount = claim.labour_amount + claim.parts_amount


def _locked(claim: WarrantyClaim) -> WarrantyClaim:
    return WarrantyClaim.objects.select_for_update().get(pk=claim.pk)


def _sync(target: WarrantyClaim, source: WarrantyClaim) -> WarrantyClaim:
    """Copy the saved state back onto the caller's instance."""
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


@service_transaction
def claim_update(*, actor, claim: WarrantyClaim, **data: Any) -> WarrantyClaim:
    """Correct the technical story of a draft or rejected claim."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown claim fields: {sorted(unknown)}")
    locked = _locked(claim)
    CLAIM_FLOW.target(locked.status, "edit")
    part = data.get("causal_part")
    if part is not None and part.group_id != locked.store.group_id:
        raise ValidationError({"causal_part": [_("Unknown part.")]})
    for field, value in data.items():
        setattr(locked, field, value if value is not None or field == "causal_part" else "")
    locked.save()
    audit_record(actor=actor, action="warranty.update", obj=locked,
                 after={k: getattr(locked, k) for k in data})
    return _sync(claim, locked)


def _require_story(claim: WarrantyClaim) -> None:
    missing = {field: [_("Required before the claim goes to the OEM.")]
               for field in ("complaint", "cause", "correction", "failure_code")
               if not str(getattr(claim, field) or "").strip()}
    if missing:
        raise ValidationError(missing)


def _move(*, actor, claim: WarrantyClaim, action: str, **changes: Any) -> WarrantyClaim:
    locked = _locked(claim)
    before = _snapshot(locked)
    locked.status = CLAIM_FLOW.target(locked.status, action)
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.save()
    audit_record(actor=actor, action=f"warranty.{action}", obj=locked, before=before,
                 after=_snapshot(locked))
    return _sync(claim, locked)


@service_transaction
def claim_submit(*, actor, claim: WarrantyClaim) -> WarrantyClaim:
    """Send the claim to the OEM; complaint, cause, correction and failure code needed."""
    locked = _locked(claim)
    CLAIM_FLOW.target(locked.status, "submit")
    _require_story(locked)
    now = clock.now()
    return _move(actor=actor, claim=claim, action="submit", submitted_at=now,
                 first_submitted_at=locked.first_submitted_at or now,
                 submissions=locked.submissions + 1)


@service_transaction
def claim_approve(*, actor, claim: WarrantyClaim, amount: Decimal | str | None = None
                  ) -> WarrantyClaim:
    """The OEM approved the claim for ``amount`` (default: the claimed amount)."""
    approved = money(amount) if amount not in (None, "") else claim.amount
    if approved <= 0:
        raise ValidationError({"amount": [_("The approved amount must be positive.")]})
    if approved > claim.amount:
        raise ValidationError({"amount": [_("The approved amount exceeds the claim.")]})
    return _move(actor=actor, claim=claim, action="approve", approved_amount=approved,
                 decided_at=clock.now(), rejection_reason="")


@service_transaction
def claim_reject(*, actor, claim: WarrantyClaim, reason: str) -> WarrantyClaim:
    """The OEM rejected the claim, with its reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the OEM's reason.")]})
    return _move(actor=actor, claim=claim, action="reject", rejection_reason=reason[:300],
                 decided_at=clock.now(), approved_amount=None)


@service_transaction
def claim_resubmit(*, actor, claim: WarrantyClaim) -> WarrantyClaim:
    """Send a corrected, rejected claim again."""
    locked = _locked(claim)
    CLAIM_FLOW.target(locked.status, "resubmit")
    _require_story(locked)
    return _move(actor=actor, claim=claim, action="resubmit", submitted_at=clock.now(),
                 submissions=locked.submissions + 1, decided_at=None)


@service_transaction
def claim_mark_paid(*, actor, claim: WarrantyClaim) -> WarrantyClaim:
    """The OEM paid the approved amount (the receivable is settled)."""
    return _move(actor=actor, claim=claim, action="mark_paid", paid_at=clock.now())


@service_transaction
def failed_part_dispose(*, actor, tag: FailedPartTag, action: str,
                        reference: str = "") -> FailedPartTag:
    """Follow the OEM's instruction for a tagged failed part: ``return`` it or ``scrap``
    it. Only a part still on the shelf can be disposed of, and only once the claim has
    gone to the OEM."""
    targets = {"return": TagStatus.RETURNED, "scrap": TagStatus.SCRAPPED}
    if action not in targets:
        raise ValidationError({"action": [_("Choose return or scrap.")]})
    locked = FailedPartTag.objects.select_for_update().select_related("claim").get(pk=tag.pk)
    if locked.status != TagStatus.KEPT:
        raise invalid_transition(locked.status, action)
    if locked.claim.status == ClaimStatus.DRAFT:
        raise DomainError("invalid_transition",
                          _("Keep the part until the claim is submitted to the OEM."),
                          status=locked.claim.status)
    locked.status = targets[action]
    locked.disposed_at = clock.now()
    locked.disposed_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.reference = (reference or "").strip()[:100]
    locked.save(update_fields=["status", "disposed_at", "disposed_by", "reference"])
    audit_record(actor=actor, action=f"warranty.part_{action}", obj=locked,
                 store=locked.store, after={"status": locked.status,
                                            "reference": locked.reference})
    for field in ("status", "disposed_at", "disposed_by_id", "reference"):
        setattr(tag, field, getattr(locked, field))
    return tag
