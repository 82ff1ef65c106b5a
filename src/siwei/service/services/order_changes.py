"""Changes to a signed repair order: additional work the customer approves or declines
(SV-11, SV-15), cancelling before any work and closing after the follow-up (SV-16)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.errors import DomainError
from siwei.core.transactions import service_transaction

from ..models import RO_FLOW, ApprovalChannel, Job, JobStatus, PartLine, RepairOrder, ROStatus
from .order_parts import _cancel_part_requests, sync_issued
from .order_rules import DOCUMENT_TYPE, _signature, locked, recompute, require


def _own_lines(ro: RepairOrder, lines: Iterable[Job | PartLine]) -> list[Job | PartLine]:
    """Fresh copies of the lines, checked to belong to the order."""
    lines = list(lines)
    if not lines:
        raise ValidationError({"lines": [_("Choose the lines.")]})
    fresh: list[Job | PartLine] = []
    job_ids = [line.pk for line in lines if isinstance(line, Job)]
    part_ids = [line.pk for line in lines if isinstance(line, PartLine)]
    if len(job_ids) + len(part_ids) != len(lines):
        raise ValidationError({"lines": [_("Only jobs and part lines can be chosen.")]})
    if job_ids:
        fresh += list(Job.objects.filter(pk__in=job_ids, repair_order=ro))
    if part_ids:
        fresh += list(PartLine.objects.filter(pk__in=part_ids, repair_order=ro))
    if len(fresh) != len(set(job_ids)) + len(set(part_ids)):
        raise ValidationError({"lines": [_("A line is on another repair order.")]})
    return fresh


def _pending_additional(lines: list[Job | PartLine]) -> None:
    for line in lines:
        if not line.needs_approval:
            raise DomainError("invalid_transition",
                              _("%(line)s is not additional work waiting for the customer.")
                              % {"line": line}, line=line.pk)


@service_transaction
def repair_order_approve_additional(*, actor, repair_order: RepairOrder,
                                    lines: Iterable[Job | PartLine], approved_by_name: str,
                                    channel: str,
                                    promised_at: dt.datetime | None = None) -> RepairOrder:
    """SV-11: the customer approved additional work — who, how and when; the promised
    time may move with it."""
    ro = locked(repair_order)
    require(actor, ro.store, "service.change_repairorder")
    RO_FLOW.target(ro.status, "edit")
    if channel not in ApprovalChannel.values:
        raise ValidationError({"channel": [_("Choose how the customer approved.")]})
    name = (approved_by_name or "").strip()
    if not name:
        raise ValidationError({"approved_by_name": [_("Enter who approved.")]})
    chosen = _own_lines(ro, lines)
    _pending_additional(chosen)
    now = clock.now()
    for line in chosen:
        line.approved_at, line.approved_by_name, line.approval_channel = now, name[:50], channel
        line.save(update_fields=["approved_at", "approved_by_name", "approval_channel"])
    fields = ["estimate_total", "customer_total"]
    if promised_at is not None:
        if promised_at <= now:
            raise ValidationError({"promised_at": [_("The promised time must be in the "
                                                     "future.")]})
        ro.promised_at = promised_at
        fields.append("promised_at")
    recompute(ro)
    ro.save(update_fields=fields)
    audit_record(actor=actor, action="ro.approve_additional", obj=ro,
                 after={"lines": [str(line) for line in chosen], "by": name,
                        "channel": channel, "estimate_total": ro.estimate_total})
    return ro


@service_transaction
def repair_order_decline_additional(*, actor, repair_order: RepairOrder,
                                    lines: Iterable[Job | PartLine], declined_by_name: str = "",
                                    signature: str = "") -> RepairOrder:
    """SV-11/SV-15: declined additional work stays on the order as recommended work. A
    declined safety item needs the customer's signature (kept in the audit log)."""
    ro = locked(repair_order)
    require(actor, ro.store, "service.change_repairorder")
    RO_FLOW.target(ro.status, "edit")
    chosen = _own_lines(ro, lines)
    _pending_additional(chosen)
    signature = _signature(signature)
    if any(line.safety_related for line in chosen) and not (signature and
                                                            declined_by_name.strip()):
        raise ValidationError({"signature": [
            _("A declined safety item needs the customer's name and signature.")]})
    for line in chosen:
        line.declined = True
        line.approved_by_name = declined_by_name.strip()[:50]
        fields = ["declined", "approved_by_name"]
        if isinstance(line, Job) and line.status in (JobStatus.PENDING, JobStatus.ASSIGNED):
            line.status = JobStatus.DECLINED
            fields.append("status")
        line.save(update_fields=fields)
    _cancel_part_requests(ro, [line for line in chosen if isinstance(line, PartLine)],
                          _("declined by the customer"))
    recompute(ro)
    ro.save(update_fields=["estimate_total", "customer_total"])
    audit_record(actor=actor, action="ro.decline_additional", obj=ro,
                 after={"lines": [str(line) for line in chosen],
                        "safety": [str(line) for line in chosen if line.safety_related],
                        "by": declined_by_name, "signature": signature or None})
    return ro



# --------------------------------------------------------------------------- end of life

@service_transaction
def repair_order_cancel(*, actor, repair_order: RepairOrder, reason: str) -> RepairOrder:
    """Cancel a draft or signed order before any work: nothing clocked, no parts issued
    (SV-16). Its stock requests and reservations are withdrawn."""
    ro = locked(repair_order)
    require(actor, ro.store, "service.change_repairorder")
    status = RO_FLOW.target(ro.status, "cancel")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for cancelling.")]})
    from ..models import JobClock

    if JobClock.objects.filter(job__repair_order=ro).exists() or Job.objects.filter(
            repair_order=ro, status__in=[JobStatus.IN_PROGRESS, JobStatus.PAUSED,
                                         JobStatus.FINISHED]).exists():
        raise DomainError("invalid_transition",
                          _("Work has started on this order; it cannot be cancelled."),
                          status=ro.status)
    parts = sync_issued(ro, list(PartLine.objects.filter(repair_order=ro)))
    if any(line.issued > 0 for line in parts):
        raise DomainError("quantity_mismatch",
                          _("Parts were issued to this order; return them first."))
    _cancel_part_requests(ro, parts, reason)
    from siwei.parts.services import reservation_release

    reservation_release(actor=None, store=ro.store, document_type=DOCUMENT_TYPE,
                        document_id=str(ro.pk), reason=reason)
    if ro.appointment_id:  # anything still held for the appointment goes back too (PT-9)
        from .appointments import DOCUMENT_TYPE as APPOINTMENT_DOCUMENT

        reservation_release(actor=None, store=ro.store, document_type=APPOINTMENT_DOCUMENT,
                            document_id=str(ro.appointment_id), reason=reason)
    before = ro.status
    ro.status, ro.cancel_reason = status, reason[:200]
    ro.save(update_fields=["status", "cancel_reason"])
    audit_record(actor=actor, action="ro.cancel", obj=ro, before={"status": before},
                 after={"status": status, "reason": reason})
    return ro


CLOSE_AFTER_DAYS = 7


@service_transaction
def repair_order_close(*, actor, repair_order: RepairOrder) -> RepairOrder:
    """SV-16: a released order closes when its follow-up call is done or 7 days passed."""
    from siwei.care.models import FollowUp, FollowUpKind, FollowUpStatus

    ro = locked(repair_order)
    if actor is not None:
        require(actor, ro.store, "service.change_repairorder")
    status = RO_FLOW.target(ro.status, "close")
    now = clock.now()
    called = FollowUp.objects.filter(
        kind=FollowUpKind.SERVICE_CALL, source_type=DOCUMENT_TYPE, source_id=ro.pk,
        status__in=[FollowUpStatus.DONE, FollowUpStatus.UNREACHABLE,
                    FollowUpStatus.CANCELLED]).exists()
    if not called and ro.released_at and now < ro.released_at + dt.timedelta(
            days=CLOSE_AFTER_DAYS):
        raise DomainError("invalid_transition",
                          _("The order closes after the follow-up call or 7 days after "
                            "release."), status=ro.status)
    ro.status, ro.closed_at = status, now
    ro.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, action="ro.close", obj=ro, before={"status": ROStatus.RELEASED},
                 after={"status": status})
    return ro


def repair_orders_close_due(*, store=None) -> int:
    """For the scheduler: close released orders whose follow-up is done or that were
    released 7 days ago. Returns how many were closed."""
    from django.db.models import Exists, OuterRef, Q

    from siwei.care.models import FollowUp, FollowUpKind, FollowUpStatus

    calls = FollowUp.objects.filter(
        kind=FollowUpKind.SERVICE_CALL, source_type=DOCUMENT_TYPE, source_id=OuterRef("pk"),
        status__in=[FollowUpStatus.DONE, FollowUpStatus.UNREACHABLE, FollowUpStatus.CANCELLED])
    due = RepairOrder.objects.filter(status=ROStatus.RELEASED).filter(
        Q(released_at__lte=clock.now() - dt.timedelta(days=CLOSE_AFTER_DAYS)) | Exists(calls))
    if store is not None:
        due = due.for_store(store)
    closed = 0
    for ro in due.only("pk"):
        repair_order_close(actor=None, repair_order=ro)
        closed += 1
    return closed
