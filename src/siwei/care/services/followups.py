"""Follow-up tasks (CR-1 … CR-3): created by the other departments' events, worked by the
assignee or the role queue: completed (with the questionnaire's answers, CR-4), retried
when the customer cannot be reached (up to 3 tries on different days), cancelled or
reassigned by a supervisor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.clock import add_months
from siwei.core.enums import Transitions
from siwei.core.errors import DomainError
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import savepoints_wanted, service_transaction

from ..models import (
    Answer,
    AttemptOutcome,
    FeedbackCategory,
    FeedbackChannel,
    FeedbackKind,
    FollowUp,
    FollowUpAttempt,
    FollowUpChannel,
    FollowUpKind,
    FollowUpStatus,
    SurveyResponse,
    care_settings,
)
from .surveys import answers_clean, csi_of, nps_score_of, questionnaire_for_kind

P = FollowUpStatus
FOLLOWUP_FLOW = Transitions({
    "complete": ({P.PENDING}, P.DONE),
    "unreachable": ({P.PENDING}, P.PENDING),  # the third try ends it as unreachable
    "cancel": ({P.PENDING}, P.CANCELLED),
    "reassign": ({P.PENDING}, P.PENDING),
})
MAX_TRIES = 3
SUPERVISE = "care.supervise_followup"
SALES_ORDER = "sales.salesorder"
REPAIR_ORDER = "service.repairorder"


def _role_user(store, role_code: str):
    from siwei.core.models import StaffAssignment

    assignment = (StaffAssignment.objects.filter(store=store, role__code=role_code,
                                                 employee__is_active=True)
                  .select_related("employee__user").order_by("id").first())
    return assignment.employee.user if assignment else None


@service_transaction
def followups_after_delivery(*, order, vehicle, delivered_at: dt.datetime) -> list[FollowUp]:
    """CR-2: thanks within 24 h, the sales manager's call within 24 h, the consultant's call
    within 7 days, a contact every 2 months in the first year, birthday and anniversary.
    Creating them twice for one delivery creates nothing twice."""
    store, customer = order.store, order.customer
    manager = _role_user(store, "sales_manager")
    plan: list[tuple[str, dt.datetime, object, str, str]] = [
        (FollowUpKind.SALE_THANKS, delivered_at + dt.timedelta(hours=24), order.consultant,
         "", FollowUpChannel.SMS),
        (FollowUpKind.SALE_FIRST_CALL, delivered_at + dt.timedelta(hours=24), manager,
         "sales_manager", FollowUpChannel.PHONE),
        (FollowUpKind.SALE_SECOND_CALL, delivered_at + dt.timedelta(days=7), order.consultant,
         "", FollowUpChannel.PHONE),
    ]
    for months in range(2, 13, 2):
        due = _same_time(delivered_at, add_months(delivered_at.date(), months))
        plan.append((FollowUpKind.SALE_BIMONTHLY, due, order.consultant, "",
                     FollowUpChannel.PHONE))
    plan.append((FollowUpKind.PURCHASE_ANNIVERSARY,
                 _same_time(delivered_at, add_months(delivered_at.date(), 12)),
                 order.consultant, "", FollowUpChannel.PHONE))
    if customer.birthday:
        upcoming = _next_birthday(customer.birthday, delivered_at.date())
        plan.append((FollowUpKind.BIRTHDAY, _same_time(delivered_at, upcoming),
                     order.consultant, "", FollowUpChannel.SMS))
    tasks = []
    for kind, due, assignee, role, channel in plan:
        task, _created = followup_schedule(
            store=store, kind=kind, customer=customer, due_at=due,
            source_type="sales.salesorder", source_id=order.pk, vehicle=vehicle,
            assignee=assignee, assignee_role=role, channel=channel)
        tasks.append(task)
    return tasks


def followup_schedule(*, store, kind: str, customer, due_at: dt.datetime, source_type: str = "",
                      source_id: int | None = None, vehicle=None, assignee=None,
                      assignee_role: str = "",
                      channel: str = FollowUpChannel.PHONE) -> tuple[FollowUp, bool]:
    """Schedule one follow-up task (CR-1); the same kind, source and due time twice creates
    nothing twice. Returns the task and whether it is new.

    As ``get_or_create``, but the insert has a savepoint (to recover from a parallel
    insert of the same task) only where one is wanted: inside ``all_or_nothing()`` (a
    repair order's release) a parallel insert fails the whole action instead."""
    same = {"kind": kind, "source_type": source_type, "source_id": source_id,
            "due_at": due_at}
    task = FollowUp.objects.filter(**same).first()
    if task is not None:
        return task, False
    recoverable = savepoints_wanted()
    try:
        with transaction.atomic(savepoint=recoverable):
            return FollowUp.objects.create(
                store=store, customer=customer, vehicle=vehicle, assignee=assignee,
                assignee_role=assignee_role, channel=channel, **same), True
    except IntegrityError:
        if not recoverable:
            raise
        return FollowUp.objects.get(**same), False


def _same_time(at: dt.datetime, day: dt.date) -> dt.datetime:
    return at.replace(year=day.year, month=day.month, day=day.day)


def _next_birthday(birthday: dt.date, after: dt.date) -> dt.date:
    for year in (after.year, after.year + 1):
        try:
            candidate = birthday.replace(year=year)
        except ValueError:  # 29 February in a common year
            candidate = dt.date(year, 2, 28)
        if candidate >= after:
            return candidate
    raise AssertionError("unreachable")


# --- working a task (CR-1, CR-3, CR-4) ----------------------------------------------------


def followup_role_codes(user, store) -> set[str]:
    """The codes of the user's roles in ``store`` (group roles included)."""
    from siwei.core.selectors import employee_roles

    return {role.code for role in employee_roles(user, store)}


def followup_can_work(user, task: FollowUp) -> bool:
    """The assignee, anyone holding the task's role queue in its store, or a supervisor."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if task.assignee_id == user.pk or has_store_perm(user, task.store, SUPERVISE):
        return True
    return bool(task.assignee_role) and task.assignee_role in followup_role_codes(user,
                                                                                  task.store)


def _require_worker(actor, task: FollowUp) -> None:
    if not followup_can_work(actor, task):
        raise PermissionDenied(_("This follow-up is assigned to someone else."))


def _locked(task: FollowUp) -> FollowUp:
    return FollowUp.objects.select_for_update().select_related("store").get(pk=task.pk)


def _sync(target: FollowUp, source: FollowUp) -> FollowUp:
    """Copy the saved state back onto the caller's instance."""
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


def _snapshot(task: FollowUp) -> dict[str, Any]:
    return {"status": task.status, "due_at": task.due_at, "assignee": task.assignee_id,
            "assignee_role": task.assignee_role, "attempts": task.attempts}


def followup_source(task: FollowUp):
    """The sales order or repair order the task follows up (None for other sources)."""
    if not task.source_id:
        return None
    if task.source_type == SALES_ORDER:
        from siwei.sales.models import SalesOrder

        return SalesOrder.objects.filter(pk=task.source_id, store_id=task.store_id).first()
    if task.source_type == REPAIR_ORDER:
        from siwei.service.models import RepairOrder

        return RepairOrder.objects.filter(pk=task.source_id, store_id=task.store_id).first()
    return None


def followup_staff_rated(task: FollowUp, source=None) -> dict[str, Any]:
    """Who the answers rate (CR-4): the sales order's consultant, or the repair order's
    service advisor and main technician (the technician of the largest job by sold hours,
    the first such job on a tie)."""
    source = source if source is not None else followup_source(task)
    rated: dict[str, Any] = {"consultant": None, "advisor": None, "technician": None}
    if source is None:
        return rated
    if task.source_type == SALES_ORDER:
        rated["consultant"] = source.consultant
    elif task.source_type == REPAIR_ORDER:
        rated["advisor"] = source.advisor
        job = (source.jobs.filter(technician__isnull=False, declined=False)
               .select_related("technician").order_by("-hours", "id").first())
        rated["technician"] = job.technician if job else None
    return rated


def _open_complaint(*, actor, task: FollowUp, source, rated: dict[str, Any], csi,
                    complaint_text: str, answers) -> Any:
    """CR-3: a complaint (CR-6) opened from the call, linked to the task and its source."""
    from ..classification import suggest
    from .feedback import feedback_create

    if complaint_text:
        subject = complaint_text.splitlines()[0].strip()[:120]
        content = complaint_text
    else:
        subject = _("Low satisfaction in a follow-up call (CSI %(csi)s)") % {"csi": csi}
        low = [f"{a.question.text}: {a.number}" for a in answers
               if a.number is not None and a.question.measure == "satisfaction"
               and a.number <= 3]
        content = "\n".join([*low, task.result]).strip() or subject
    fields: dict[str, Any] = {"follow_up": task, "vehicle": task.vehicle}
    if task.source_type == REPAIR_ORDER and source is not None:
        fields.update(repair_order=source, department="service", staff=rated["advisor"])
        default_category = FeedbackCategory.SERVICE_QUALITY
    elif task.source_type == SALES_ORDER and source is not None:
        fields.update(sales_order=source, department="sales", staff=rated["consultant"])
        default_category = FeedbackCategory.SALES
    else:
        fields["department"] = "care"
        default_category = FeedbackCategory.SERVICE_QUALITY
    suggestion = suggest(group_id=task.store.group_id, text=f"{subject}\n{content}")
    return feedback_create(
        actor=actor, store=task.store, channel=FeedbackChannel.FOLLOW_UP,
        kind=FeedbackKind.COMPLAINT, category="" if suggestion.category else default_category,
        subject=subject, content=content, customer=task.customer, **fields)


@service_transaction
def followup_complete(*, actor, follow_up: FollowUp, result: str,
                      scores: dict[int | str, Any] | None = None, complaint_text: str = "",
                      appointment=None, survey_declined: bool = False) -> FollowUp:
    """The customer was reached (CR-1): the task is done, a reached attempt is logged and,
    when the kind has a questionnaire (CR-4), the answers are checked (400 on ``scores``)
    and stored with the CSI and NPS score (see ``services.surveys``) and the staff rated.
    CR-3: a CSI below the store's threshold or a complaint told in the call opens a
    complaint (channel ``follow_up``) linked to the task. ``appointment`` records a booking
    made in the call. A customer who declines the survey (``survey_declined``) is reached
    all the same: the task is done without answers, and the result says so."""
    task = _locked(follow_up)
    before = _snapshot(task)
    status = FOLLOWUP_FLOW.target(task.status, "complete")
    _require_worker(actor, task)
    result, complaint_text = (result or "").strip(), (complaint_text or "").strip()
    questionnaire = task.questionnaire or questionnaire_for_kind(group=task.store.group,
                                                                 kind=task.kind)
    if questionnaire is None and scores:
        raise ValidationError({"scores": [_("This follow-up has no questionnaire.")]})
    if survey_declined:
        if scores:
            raise ValidationError({"scores": [
                _("The customer declined the survey: leave the answers empty.")]})
        result = result or _("The customer declined the survey.")
    answers = (answers_clean(questionnaire=questionnaire, scores=scores)
               if questionnaire and not survey_declined else [])
    if appointment is not None and (appointment.store_id != task.store_id
                                    or appointment.customer_id != task.customer_id):
        raise ValidationError({"appointment": [_("Not an appointment of this customer.")]})
    now = clock.now()
    FollowUpAttempt.objects.create(follow_up=task, at=now, by=actor,
                                   outcome=AttemptOutcome.REACHED, note=result[:200])
    task.status, task.result = status, result
    task.attempts += 1
    task.completed_at, task.completed_by = now, actor
    task.questionnaire = questionnaire
    if appointment is not None:
        task.appointment = appointment
    task.save()
    csi = nps = None
    if answers:
        source = followup_source(task)
        rated = followup_staff_rated(task, source)
        csi, nps = csi_of(answers), nps_score_of(answers)
        response = SurveyResponse.objects.create(
            store=task.store, follow_up=task, questionnaire=questionnaire,
            customer=task.customer, csi=csi, nps_score=nps, answered_at=now,
            answered_by=actor, **rated)
        Answer.objects.bulk_create([
            Answer(response=response, question=a.question, number=a.number, text=a.text)
            for a in answers])
    low = csi is not None and csi < care_settings(task.store).complaint_csi_below
    if low or complaint_text:
        source = followup_source(task)
        task.feedback = _open_complaint(
            actor=actor, task=task, source=source,
            rated=followup_staff_rated(task, source), csi=csi,
            complaint_text=complaint_text, answers=answers)
        task.save(update_fields=["feedback"])
    audit_record(actor=actor, action="followup.complete", obj=task, before=before,
                 after={**_snapshot(task), "csi": csi, "nps_score": nps,
                        "survey_declined": survey_declined,
                        "feedback": task.feedback_id, "appointment": task.appointment_id})
    return _sync(follow_up, task)


def _next_try(now: dt.datetime, due_at: dt.datetime) -> dt.datetime:
    """09:00 the next day (local time), or the task's own due time if that is later."""
    local = timezone.localtime(now)
    tomorrow = (local + dt.timedelta(days=1)).replace(hour=9, minute=0, second=0,
                                                      microsecond=0)
    return max(tomorrow, due_at)


@service_transaction
def followup_unreachable(*, actor, follow_up: FollowUp, note: str = "") -> FollowUp:
    """The customer did not answer (CR-1). The task stays pending and is due again at 09:00
    the next day; tries must be on different days (409 ``same_day_retry``); the third
    unreachable try ends the task as unreachable."""
    task = _locked(follow_up)
    before = _snapshot(task)
    FOLLOWUP_FLOW.target(task.status, "unreachable")
    _require_worker(actor, task)
    now = clock.now()
    today = timezone.localtime(now).date()
    tries = list(task.attempt_log.filter(outcome=AttemptOutcome.UNREACHABLE)
                 .values_list("at", flat=True))
    if any(timezone.localtime(at).date() == today for at in tries):
        raise DomainError("same_day_retry",
                          _("The customer was already tried today; try again on another day."))
    FollowUpAttempt.objects.create(follow_up=task, at=now, by=actor,
                                   outcome=AttemptOutcome.UNREACHABLE, note=(note or "")[:200])
    task.attempts += 1
    if len(tries) + 1 >= MAX_TRIES:
        task.status = FollowUpStatus.UNREACHABLE
        task.completed_at, task.completed_by = now, actor
    else:
        task.due_at = _next_try(now, task.due_at)
    task.save()
    audit_record(actor=actor, action="followup.unreachable", obj=task, before=before,
                 after=_snapshot(task), note=note or "")
    return _sync(follow_up, task)


@service_transaction
def followup_cancel(*, actor, follow_up: FollowUp, reason: str) -> FollowUp:
    """Cancel a pending task (it is no longer needed); the reason is kept as its result."""
    task = _locked(follow_up)
    before = _snapshot(task)
    status = FOLLOWUP_FLOW.target(task.status, "cancel")
    _require_worker(actor, task)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason.")]})
    task.status, task.result = status, reason
    task.completed_at, task.completed_by = clock.now(), actor
    task.save()
    audit_record(actor=actor, action="followup.cancel", obj=task, before=before,
                 after=_snapshot(task), note=reason)
    return _sync(follow_up, task)


@service_transaction
def followup_reassign(*, actor, follow_up: FollowUp, assignee=None,
                      assignee_role: str = "") -> FollowUp:
    """A supervisor (``care.supervise_followup``) gives a pending task to a person of the
    store or to a role queue."""
    from siwei.core.models import StaffAssignment
    from siwei.core.roles import ROLE_CODES

    task = _locked(follow_up)
    before = _snapshot(task)
    FOLLOWUP_FLOW.target(task.status, "reassign")
    if actor is None or not has_store_perm(actor, task.store, SUPERVISE):
        raise PermissionDenied(_("Only a supervisor reassigns follow-ups."))
    assignee_role = (assignee_role or "").strip()
    if assignee is None and not assignee_role:
        raise ValidationError({"assignee": [_("Choose a person or a role queue.")]})
    if assignee_role and assignee_role not in ROLE_CODES:
        raise ValidationError({"assignee_role": [_("Unknown role.")]})
    if assignee is not None and not StaffAssignment.objects.filter(
            employee__user=assignee, employee__is_active=True).filter(
            _in_store(task.store)).exists():
        raise ValidationError({"assignee": [_("This person does not work in the store.")]})
    task.assignee, task.assignee_role = assignee, assignee_role
    task.save(update_fields=["assignee", "assignee_role"])
    audit_record(actor=actor, action="followup.reassign", obj=task, before=before,
                 after=_snapshot(task))
    return _sync(follow_up, task)


def _in_store(store):
    """Assignments in ``store`` or group-wide in its group."""
    from django.db.models import Q

    return Q(store=store) | Q(store__isnull=True, employee__group_id=store.group_id)
