"""Leads, contacts and the showroom log (CS-6 … CS-9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.enums import Transitions
from siwei.core.errors import DomainError
from siwei.core.models import Store
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction

from ..models import (
    DEFAULT_FOLLOW_UP_DAYS,
    Activity,
    ActivityType,
    Customer,
    FollowUpInterval,
    Lead,
    LeadGrade,
    LeadSource,
    LeadStatus,
    LossReason,
    ShowroomVisit,
    VisitKind,
)
from .customers import customer_category_refresh

LEAD_FLOW = Transitions({
    "contact": ([LeadStatus.OPEN], LeadStatus.OPEN),
    "request_loss": ([LeadStatus.OPEN], LeadStatus.LOSS_REQUESTED),
    "approve_loss": ([LeadStatus.LOSS_REQUESTED], LeadStatus.LOST),
    "reject_loss": ([LeadStatus.LOSS_REQUESTED], LeadStatus.OPEN),
    "win": ([LeadStatus.OPEN, LeadStatus.LOSS_REQUESTED], LeadStatus.WON),
})


def follow_up_days(store: Store, grade: str) -> int:
    """The store's interval for ``grade`` (CS-6 defaults when not configured)."""
    configured = FollowUpInterval.objects.filter(store=store, grade=grade).values_list(
        "days", flat=True).first()
    return configured or DEFAULT_FOLLOW_UP_DAYS[grade]


def next_due(store: Store, grade: str, since: dt.datetime) -> dt.datetime:
    return since + dt.timedelta(days=follow_up_days(store, grade))


def _check_grade(grade: str) -> None:
    if grade not in LeadGrade.values:
        raise ValidationError({"grade": [_("Choose a grade O, H, A, B or C.")]})


def _can_handle(actor, lead: Lead) -> None:
    if actor is None or lead.consultant_id == actor.pk:
        return
    if not has_store_perm(actor, lead.store, "crm.view_all_leads"):
        raise PermissionDenied(_("This lead belongs to another consultant."))


@service_transaction
def lead_create(*, actor, store: Store, customer: Customer, source: str, grade: str,
                consultant=None, referrer: Customer | None = None, models=(),
                note: str = "") -> Lead:
    """Open a lead; the next follow-up is due by the grade's interval (CS-6)."""
    _check_grade(grade)
    if source not in LeadSource.values:
        raise ValidationError({"source": [_("Unknown source.")]})
    if source == LeadSource.REFERRAL and referrer is None:
        raise ValidationError({"referrer": [_("A referral needs the referring customer.")]})
    if customer.store_id != store.pk:
        raise ValidationError({"customer": [_("The customer belongs to another store.")]})
    now = clock.now()
    lead = Lead.objects.create(
        store=store, customer=customer, source=source, grade=grade, referrer=referrer,
        consultant=consultant or actor, created_at=now, next_follow_up_at=next_due(
            store, grade, now))
    if models:
        lead.models_of_interest.set(models)
    if note:
        Activity.objects.create(store=store, customer=customer, lead=lead,
                                type=ActivityType.STORE_VISIT if source == LeadSource.WALK_IN
                                else ActivityType.CALL, at=now, content=note, user=actor,
                                grade_after=grade)
        lead.contact_count, lead.last_contact_at = 1, now
        lead.save(update_fields=["contact_count", "last_contact_at"])
    customer_category_refresh(customer=customer)
    if referrer is not None:
        customer_category_refresh(customer=referrer)
    audit_record(actor=actor, action="lead.create", obj=lead,
                 after={"grade": grade, "source": source, "consultant": lead.consultant_id})
    return lead


@service_transaction
def lead_log_activity(*, actor, lead: Lead, type: str, content: str = "",
                      outcome: str = "", next_step: str = "", grade: str | None = None,
                      at: dt.datetime | None = None) -> Activity:
    """Log a contact (CS-7); an optional new grade. The next due date is recomputed."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    LEAD_FLOW.target(lead.status, "contact")
    _can_handle(actor, lead)
    if type not in ActivityType.values:
        raise ValidationError({"type": [_("Unknown contact type.")]})
    if grade:
        _check_grade(grade)
    at = at or clock.now()
    activity = Activity.objects.create(
        store=lead.store, customer=lead.customer, lead=lead, type=type, at=at, content=content,
        outcome=outcome, next_step=next_step, user=actor, grade_before=lead.grade,
        grade_after=grade or lead.grade)
    old_grade = lead.grade
    lead.grade = grade or lead.grade
    lead.contact_count += 1
    lead.last_contact_at = max(filter(None, (lead.last_contact_at, at)))
    lead.next_follow_up_at = next_due(lead.store, lead.grade, lead.last_contact_at)
    lead.save(update_fields=["grade", "contact_count", "last_contact_at", "next_follow_up_at"])
    if old_grade != lead.grade:
        audit_record(actor=actor, action="lead.grade", obj=lead, before={"grade": old_grade},
                     after={"grade": lead.grade})
    return activity


@service_transaction
def lead_set_grade(*, actor, lead: Lead, grade: str) -> Lead:
    """Change the grade without a contact (e.g. O when the deposit is paid)."""
    _check_grade(grade)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status not in (LeadStatus.OPEN, LeadStatus.LOSS_REQUESTED):
        raise DomainError("invalid_transition", _("The lead is closed."), status=lead.status)
    if lead.grade != grade:
        old = lead.grade
        lead.grade = grade
        lead.next_follow_up_at = next_due(lead.store, grade, lead.last_contact_at or clock.now())
        lead.save(update_fields=["grade", "next_follow_up_at"])
        audit_record(actor=actor, action="lead.grade", obj=lead, before={"grade": old},
                     after={"grade": grade})
    return lead


@service_transaction
def lead_request_loss(*, actor, lead: Lead, reason: str, detail: str = "") -> Lead:
    """The consultant asks to close the lead as lost; a sales manager decides (CS-8)."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    status = LEAD_FLOW.target(lead.status, "request_loss")
    _can_handle(actor, lead)
    if reason not in LossReason.values:
        raise ValidationError({"reason": [_("Choose a reason.")]})
    if reason in (LossReason.OTHER_BRAND, LossReason.OTHER) and not detail.strip():
        raise ValidationError({"detail": [_("Say which brand or what happened.")]})
    lead.status, lead.loss_reason, lead.loss_detail = status, reason, detail.strip()
    lead.loss_requested_at = clock.now()
    lead.next_follow_up_at = None
    lead.save()
    audit_record(actor=actor, action="lead.request_loss", obj=lead,
                 after={"reason": reason, "detail": detail})
    return lead


def _decide_loss(*, actor, lead: Lead, action: str) -> Lead:
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    status = LEAD_FLOW.target(lead.status, action)
    if not has_store_perm(actor, lead.store, "crm.approve_lead_loss"):
        raise DomainError("approval_required", _("A sales manager must decide on a lost lead."))
    lead.status, lead.loss_decided_by = status, actor
    if status == LeadStatus.LOST:
        lead.closed_at = clock.now()
    else:
        lead.loss_reason, lead.loss_detail, lead.loss_requested_at = "", "", None
        lead.next_follow_up_at = next_due(lead.store, lead.grade, clock.now())
    lead.save()
    customer_category_refresh(customer=lead.customer)
    audit_record(actor=actor, action=f"lead.{action}", obj=lead, after={"status": status})
    return lead


@service_transaction
def lead_approve_loss(*, actor, lead: Lead) -> Lead:
    return _decide_loss(actor=actor, lead=lead, action="approve_loss")


@service_transaction
def lead_reject_loss(*, actor, lead: Lead) -> Lead:
    return _decide_loss(actor=actor, lead=lead, action="reject_loss")


@service_transaction
def lead_mark_won(*, actor, lead: Lead) -> Lead:
    """The lead bought from us (called when the car is delivered)."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    lead.status = LEAD_FLOW.target(lead.status, "win")
    lead.closed_at, lead.next_follow_up_at = clock.now(), None
    lead.save(update_fields=["status", "closed_at", "next_follow_up_at"])
    customer_category_refresh(customer=lead.customer)
    audit_record(actor=actor, action="lead.win", obj=lead, after={"status": lead.status})
    return lead


@service_transaction
def showroom_visit_log(*, actor, store: Store, kind: str, time_in: dt.datetime | None = None,
                       party_size: int = 1, first_visit: bool = True, consultant=None,
                       visitor_name: str = "", visitor_mobile: str = "",
                       customer: Customer | None = None, models=(), test_drive: bool = False,
                       notes: str = "") -> ShowroomVisit:
    """The receptionist logs a walk-in or an inbound call (CS-9)."""
    if kind not in VisitKind.values:
        raise ValidationError({"kind": [_("Walk-in or call.")]})
    if party_size < 1:
        raise ValidationError({"party_size": [_("At least one person.")]})
    if test_drive and kind == VisitKind.CALL:
        raise ValidationError({"test_drive": [_("A phone call has no test drive.")]})
    data: dict[str, Any] = {}
    if visitor_mobile:
        from siwei.core.validators import validate_mobile

        try:
            data["visitor_mobile"] = validate_mobile(visitor_mobile)
        except ValidationError as exc:
            raise ValidationError({"visitor_mobile": exc.messages}) from None
    visit = ShowroomVisit.objects.create(
        store=store, kind=kind, time_in=time_in or clock.now(), party_size=party_size,
        first_visit=first_visit, consultant=consultant, visitor_name=visitor_name.strip(),
        customer=customer, test_drive=test_drive, notes=notes, logged_by=actor, **data)
    if models:
        visit.models_of_interest.set(models)
    return visit


@service_transaction
def showroom_visit_checkout(*, actor, visit: ShowroomVisit,
                            at: dt.datetime | None = None) -> ShowroomVisit:
    at = at or clock.now()
    if at < visit.time_in:
        raise ValidationError({"time_out": [_("The visitor left before arriving?")]})
    visit.time_out = at
    visit.save(update_fields=["time_out"])
    return visit
