"""Complaints and feedback (CR-6 … CR-9): capture with the SLA clock, the complaint's
states (received → acknowledged → in progress → resolved → closed; reopened), escalation
of missed deadlines, and the manager's corrective and preventive actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record, snapshot
from siwei.core.enums import Transitions
from siwei.core.errors import DomainError, invalid_transition
from siwei.core.fields import money
from siwei.core.numbering import number_next
from siwei.core.permissions import has_store_perm
from siwei.core.roles import ROLE_LABELS
from siwei.core.scoping import user_store_ids
from siwei.core.transactions import service_transaction

from ..models import (
    ActionKind,
    Department,
    Feedback,
    FeedbackAction,
    FeedbackCategory,
    FeedbackEvent,
    FeedbackKind,
    FeedbackStatus,
    Severity,
    care_settings,
)


def sla_deadline(store, start: dt.datetime, hours: int) -> dt.datetime:
    """``hours`` after ``start``: 24×7 unless the store counts business hours only (CR-7)."""
    settings = care_settings(store)
    if not settings.business_hours_only:
        return start + dt.timedelta(hours=hours)
    return _business_deadline(start, hours, settings.business_start, settings.business_end)


def _business_deadline(start: dt.datetime, hours: int, opens: dt.time,
                       closes: dt.time) -> dt.datetime:
    remaining = dt.timedelta(hours=hours)
    moment = timezone.localtime(start)
    while True:
        day_open = moment.replace(hour=opens.hour, minute=opens.minute, second=0, microsecond=0)
        day_close = moment.replace(hour=closes.hour, minute=closes.minute, second=0,
                                   microsecond=0)
        if moment < day_open:
            moment = day_open
        if moment < day_close:
            available = day_close - moment
            if remaining <= available:
                return moment + remaining
            remaining -= available
        moment = day_open + dt.timedelta(days=1)


F = FeedbackStatus
OPEN_STATES = (F.RECEIVED, F.ACKNOWLEDGED, F.IN_PROGRESS, F.REOPENED)

# CR-7: the complaint's states. ``close`` from an open state is for feedback that is not a
# complaint (praise, suggestion, inquiry): it has no SLA and needs no resolution.
FEEDBACK_FLOW = Transitions({
    "acknowledge": ([F.RECEIVED], F.ACKNOWLEDGED),
    "start": ([F.ACKNOWLEDGED, F.REOPENED], F.IN_PROGRESS),
    "resolve": (OPEN_STATES, F.RESOLVED),
    "close": ([F.RESOLVED], F.CLOSED),
    "close_direct": (OPEN_STATES, F.CLOSED),
    "close_attempt": ([F.RESOLVED], F.RESOLVED),
    "reopen": ([F.RESOLVED, F.CLOSED], F.REOPENED),
})
CLOSE_ATTEMPTS = 3  # documented attempts to reach the customer before closing anyway

# The department answering for a category (CR-7 escalation); price, waiting time and the
# like are the service department's unless a sales order is linked.
_CATEGORY_DEPARTMENT = {
    FeedbackCategory.SALES: Department.SALES,
    FeedbackCategory.PARTS: Department.PARTS,
    FeedbackCategory.PRODUCT_QUALITY: Department.SERVICE,
}
DEPARTMENT_MANAGER = {
    Department.SALES: "sales_manager", Department.SERVICE: "service_manager",
    Department.PARTS: "parts_manager", Department.CARE: "store_manager",
    Department.ADMIN: "store_manager",
}
UPDATABLE_FIELDS = ("owner", "kind", "category", "severity", "department", "customer",
                    "contact_name", "contact_phone", "vehicle", "sales_order", "repair_order",
                    "staff", "root_cause")


def department_for(category: str, sales_order=None) -> str:
    """The default department of a category (CR-7)."""
    if category in _CATEGORY_DEPARTMENT:
        return _CATEGORY_DEPARTMENT[category]
    if not category:
        return ""
    return Department.SALES if sales_order is not None else Department.SERVICE


def _check_related(store, values: dict) -> None:
    """Customer, vehicle, orders of the feedback's own store; people working there."""
    errors = {}
    for name in ("customer", "vehicle", "sales_order", "repair_order"):
        value = values.get(name)
        if value is not None and value.store_id != store.pk:
            errors[name] = [_("Not a record of this store.")]
    for name in ("owner", "staff"):
        value = values.get(name)
        if value is not None and store.pk not in user_store_ids(value):
            errors[name] = [_("This person does not work in this store.")]
    if errors:
        raise ValidationError(errors)


@service_transaction
def feedback_create(*, actor, store, channel: str, subject: str, content: str,
                    kind: str = "", category: str = "", customer=None,
                    received_at: dt.datetime | None = None, **fields) -> Feedback:
    """Record feedback from any channel (CR-6). Type and category default to the
    classifier's suggestion (CR-8), which is kept to measure its accuracy. Complaints get
    their acknowledge and resolve deadlines (CR-7). The department defaults from the
    category."""
    from ..classification import suggest

    now = clock.now()
    if received_at is not None and received_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"received_at": [_("The time received is in the future.")]})
    received_at = received_at or now
    _check_related(store, {"customer": customer, **fields})
    suggestion = suggest(group_id=store.group_id, text=f"{subject}\n{content}")
    final_category = category or suggestion.category
    if not fields.get("department"):
        fields["department"] = department_for(final_category, fields.get("sales_order"))
    feedback = Feedback(
        store=store, channel=channel, subject=subject, content=content, customer=customer,
        received_at=received_at, kind=kind or suggestion.kind or FeedbackKind.COMPLAINT,
        category=final_category, suggested_kind=suggestion.kind,
        suggested_category=suggestion.category, created_by=actor, **fields)
    if feedback.kind == FeedbackKind.COMPLAINT:
        _set_deadlines(feedback, received_at)
    feedback.number = number_next(store=store, doc_type="FB",
                                  day=timezone.localtime(received_at).date())
    feedback.full_clean(exclude=["number", "created_by"])
    feedback.save()
    FeedbackEvent.objects.create(feedback=feedback, action="receive", from_status="",
                                 to_status=FeedbackStatus.RECEIVED, at=clock.now(), by=actor)
    audit_record(actor=actor, action="feedback.create", obj=feedback,
                 after={"kind": feedback.kind, "category": feedback.category,
                        "status": feedback.status})
    return feedback


def _set_deadlines(feedback: Feedback, start: dt.datetime, *, acknowledge: bool = True) -> None:
    settings = care_settings(feedback.store)
    if acknowledge:
        feedback.acknowledge_due_at = sla_deadline(feedback.store, start,
                                                   settings.acknowledge_hours)
    feedback.resolve_due_at = sla_deadline(feedback.store, start, settings.resolve_hours)


def _snapshot(feedback: Feedback) -> dict[str, Any]:
    return snapshot(feedback, ["status", "kind", "category", "severity", "department", "owner",
                               "escalation_level", "close_attempts", "reopen_count"])


def _locked(feedback: Feedback) -> Feedback:
    return Feedback.objects.select_for_update().select_related("store").get(pk=feedback.pk)


def _sync(target: Feedback, source: Feedback) -> Feedback:
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


def _event(feedback: Feedback, *, action: str, actor, from_status: str, note: str = "",
           at: dt.datetime | None = None) -> FeedbackEvent:
    by = actor if getattr(actor, "is_authenticated", False) else None
    return FeedbackEvent.objects.create(feedback=feedback, action=action,
                                        from_status=from_status, to_status=feedback.status,
                                        at=at or clock.now(), by=by, note=note)


def _move(*, actor, feedback: Feedback, action: str, note: str = "",
          flow_action: str | None = None, **changes: Any) -> Feedback:
    """One state change: check the table, apply, write the event and the audit."""
    locked = _locked(feedback)
    before = _snapshot(locked)
    from_status = locked.status
    locked.status = FEEDBACK_FLOW.target(locked.status, flow_action or action)
    for field, value in changes.items():
        value = value(locked) if callable(value) else value
        setattr(locked, field, value)
    locked.save()
    _event(locked, action=action, actor=actor, from_status=from_status, note=note)
    audit_record(actor=actor, action=f"feedback.{action}", obj=locked, before=before,
                 after={**_snapshot(locked), **({"note": note} if note else {})})
    return _sync(feedback, locked)


@service_transaction
def feedback_acknowledge(*, actor, feedback: Feedback, note: str = "") -> Feedback:
    """The customer has been told we are on it (CR-7: within 24 hours of receipt)."""
    return _move(actor=actor, feedback=feedback, action="acknowledge", note=(note or "").strip(),
                 acknowledged_at=clock.now())


@service_transaction
def feedback_start(*, actor, feedback: Feedback, note: str = "") -> Feedback:
    """Work on the complaint has started."""
    return _move(actor=actor, feedback=feedback, action="start", note=(note or "").strip())


@service_transaction
def feedback_resolve(*, actor, feedback: Feedback, solution: str,
                     compensation: Decimal | str | int | None = None) -> Feedback:
    """The solution given to the customer, with any compensation (CR-7: within 48 hours of
    receipt). Resolving an unacknowledged complaint acknowledges it too."""
    solution = (solution or "").strip()
    if not solution:
        raise ValidationError({"solution": [_("Describe the solution.")]})
    try:
        amount = money(compensation if compensation not in (None, "") else 0)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({"compensation": [_("Enter an amount.")]}) from None
    if amount < 0:
        raise ValidationError({"compensation": [_("The compensation cannot be negative.")]})
    now = clock.now()
    return _move(actor=actor, feedback=feedback, action="resolve", note=solution,
                 solution=solution, compensation=amount, resolved_at=now,
                 acknowledged_at=lambda f: f.acknowledged_at or now)


@service_transaction
def feedback_close(*, actor, feedback: Feedback, note: str = "") -> Feedback:
    """The customer confirmed being satisfied. Feedback that is not a complaint may be
    closed from any open state, without a resolution."""
    locked = _locked(feedback)
    flow = "close" if locked.kind == FeedbackKind.COMPLAINT else "close_direct"
    if locked.status == F.RESOLVED:
        flow = "close"
    return _move(actor=actor, feedback=feedback, action="close", flow_action=flow,
                 note=(note or "").strip(), closed_at=clock.now())


@service_transaction
def feedback_close_attempt(*, actor, feedback: Feedback, note: str) -> Feedback:
    """A documented attempt to reach the customer for confirmation; the third closes the
    complaint (CR-7)."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Document the attempt (when, how, what happened).")]})
    locked = _locked(feedback)
    attempts = locked.close_attempts + 1
    if attempts >= CLOSE_ATTEMPTS:
        FEEDBACK_FLOW.target(locked.status, "close_attempt")
        return _move(actor=actor, feedback=feedback, action="close_attempt", flow_action="close",
                     note=note, close_attempts=attempts, closed_at=clock.now())
    return _move(actor=actor, feedback=feedback, action="close_attempt", note=note,
                 close_attempts=attempts)


@service_transaction
def feedback_reopen(*, actor, feedback: Feedback, reason: str) -> Feedback:
    """The customer is not satisfied: work again, with a new resolve deadline counted from
    now (CR-7)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the customer's reason.")]})
    now = clock.now()

    def deadline(f: Feedback):
        if f.kind != FeedbackKind.COMPLAINT:
            return f.resolve_due_at
        return sla_deadline(f.store, now, care_settings(f.store).resolve_hours)

    return _move(actor=actor, feedback=feedback, action="reopen", note=reason,
                 reopen_count=lambda f: f.reopen_count + 1, resolve_due_at=deadline,
                 resolved_at=None, closed_at=None, close_attempts=0)


@service_transaction
def feedback_update(*, actor, feedback: Feedback, **data: Any) -> Feedback:
    """Staff's corrections: owner, the confirmed type and category (CR-8: the suggestion
    stays as the classifier said), severity, department, related records, root cause.
    Changing the category re-derives the department unless one is given. A record that
    becomes a complaint gets its deadlines from the time received; one that stops being a
    complaint loses them."""
    unknown = set(data) - set(UPDATABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown feedback fields: {sorted(unknown)}")
    locked = _locked(feedback)
    if locked.status == F.CLOSED and set(data) - {"root_cause"}:
        raise invalid_transition(locked.status, "update")
    _check_related(locked.store, data)
    before = _snapshot(locked)
    if "category" in data and not data.get("department"):
        data["department"] = department_for(
            data["category"], data.get("sales_order", locked.sales_order))
    for field, value in data.items():
        setattr(locked, field, value if value is not None or field in (
            "owner", "customer", "vehicle", "sales_order", "repair_order", "staff") else "")
    if locked.kind == FeedbackKind.COMPLAINT and locked.acknowledge_due_at is None:
        _set_deadlines(locked, locked.received_at)
    elif locked.kind != FeedbackKind.COMPLAINT:
        locked.acknowledge_due_at = locked.resolve_due_at = None
    locked.full_clean(exclude=["number", "created_by"])
    locked.save()
    changed = {k: v for k, v in _snapshot(locked).items() if before.get(k) != v}
    if "root_cause" in data:
        changed["root_cause"] = locked.root_cause
    audit_record(actor=actor, action="feedback.update", obj=locked, before=before,
                 after=changed)
    return _sync(feedback, locked)


# --- SLA escalation (CR-7) ------------------------------------------------------------


def escalation_level_due(feedback: Feedback, now: dt.datetime) -> int:
    """The level a complaint should be at: 1 for one missed deadline, 2 for both or for a
    missed deadline of a high-severity complaint."""
    if feedback.kind != FeedbackKind.COMPLAINT or feedback.status not in OPEN_STATES:
        return 0
    breaches = 0
    ack_due = feedback.acknowledge_due_at
    if ack_due is not None and (
            (feedback.acknowledged_at is None and now > ack_due)
            or (feedback.acknowledged_at is not None and feedback.acknowledged_at > ack_due)):
        breaches += 1
    if feedback.resolve_due_at is not None and feedback.resolved_at is None and \
            now > feedback.resolve_due_at:
        breaches += 1
    if breaches and feedback.severity == Severity.HIGH:
        return 2
    return min(breaches, 2)


def escalation_role(feedback: Feedback, level: int | None = None) -> str:
    """The role a complaint is escalated to: the department's manager, then the store
    manager."""
    level = feedback.escalation_level if level is None else level
    if level >= 2:
        return "store_manager"
    return DEPARTMENT_MANAGER.get(feedback.department or Department.SERVICE, "store_manager")


def _role_user(store, role_code: str):
    from siwei.core.models import StaffAssignment

    row = (StaffAssignment.objects.filter(store=store, role__code=role_code,
                                          employee__is_active=True)
           .select_related("employee__user").order_by("id").first())
    return row.employee if row else None


def feedback_escalate_due(*, now: dt.datetime | None = None) -> int:
    """Escalate every complaint past a deadline (CR-7); the scheduler calls this every
    15 minutes. Running it again escalates nothing twice. Returns how many complaints
    were escalated."""
    now = now or clock.now()
    candidates = (Feedback.objects.filter(kind=FeedbackKind.COMPLAINT, status__in=OPEN_STATES,
                                          escalation_level__lt=2)
                  .filter(Q(acknowledged_at__isnull=True, acknowledge_due_at__lt=now)
                          | Q(resolve_due_at__lt=now))
                  .values_list("pk", flat=True))
    escalated = 0
    for pk in list(candidates):
        with transaction.atomic():
            feedback = Feedback.objects.select_for_update().select_related("store").get(pk=pk)
            level = escalation_level_due(feedback, now)
            if level <= feedback.escalation_level:
                continue
            before = _snapshot(feedback)
            feedback.escalation_level = level
            feedback.escalated_at = now
            feedback.save(update_fields=["escalation_level", "escalated_at"])
            role = escalation_role(feedback, level)
            manager = _role_user(feedback.store, role)
            note = _("Level %(level)s: %(role)s %(name)s") % {
                "level": level, "role": ROLE_LABELS.get(role, role),
                "name": manager.name if manager else ""}
            _event(feedback, action="escalate", actor=None, from_status=feedback.status,
                   note=note.strip(), at=now)
            audit_record(actor=None, action="feedback.escalate", obj=feedback,
                         store=feedback.store, before=before,
                         after={**_snapshot(feedback), "role": role})
            escalated += 1
    return escalated


# --- corrective and preventive actions (CR-9) -----------------------------------------


def _require_analyst(actor, store) -> None:
    if not has_store_perm(actor, store, "care.analyse_feedback"):
        raise PermissionDenied(_("Only a manager decides corrective actions."))


@service_transaction
def feedback_action_add(*, actor, feedback: Feedback, kind: str, description: str, owner,
                        due_date: dt.date) -> FeedbackAction:
    """A corrective or preventive action decided by the manager: who does what by when."""
    _require_analyst(actor, feedback.store)
    description = (description or "").strip()
    errors = {}
    if kind not in ActionKind.values:
        errors["kind"] = [_("Choose corrective or preventive.")]
    if not description:
        errors["description"] = [_("Describe the action.")]
    if owner is None:
        errors["owner"] = [_("Name the person responsible.")]
    elif feedback.store_id not in user_store_ids(owner):
        errors["owner"] = [_("This person does not work in this store.")]
    if due_date is None:
        errors["due_date"] = [_("Give a due date.")]
    if errors:
        raise ValidationError(errors)
    action = FeedbackAction.objects.create(feedback=feedback, kind=kind,
                                           description=description[:300], owner=owner,
                                           due_date=due_date)
    audit_record(actor=actor, action="feedback.action_add", obj=feedback,
                 after={"action": action.pk, "kind": kind, "description": action.description,
                        "owner": owner.pk, "due_date": due_date})
    return action


@service_transaction
def feedback_action_done(*, actor, action: FeedbackAction) -> FeedbackAction:
    """The corrective or preventive action is done."""
    locked = FeedbackAction.objects.select_for_update().select_related(
        "feedback__store").get(pk=action.pk)
    if locked.owner_id != getattr(actor, "pk", None):
        _require_analyst(actor, locked.feedback.store)
    if locked.done_at is not None:
        raise DomainError("already_done", _("This action is already done."))
    locked.done_at = clock.now()
    locked.save(update_fields=["done_at"])
    audit_record(actor=actor, action="feedback.action_done", obj=locked.feedback,
                 after={"action": locked.pk, "done_at": locked.done_at})
    action.done_at = locked.done_at
    return action
