"""Pages of the follow-up calls (CR-1 … CR-4): my calls, the task page with the script and
the questionnaire, the overdue list of the supervisors, and the filterable list."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siwei.core import clock
from siwei.core.errors import DomainError
from siwei.core.exports import xlsx_response
from siwei.core.paging import paginate
from siwei.core.permissions import has_store_perm
from siwei.core.views import require_store_perm

from . import selectors_followups as selectors
from .forms_followups import CancelForm, CompleteForm, ReassignForm, UnreachableForm
from .models import FollowUp, FollowUpKind, FollowUpStatus
from .scripts import script_for
from .services import followups as services
from .services.surveys import questionnaire_for_kind

VIEW, CHANGE = "care.view_followup", "care.change_followup"


def _task(request, pk: int) -> FollowUp:
    task = selectors.tasks_for(request.store).filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


def _source_url(task: FollowUp) -> str | None:
    names = {services.SALES_ORDER: "sales:order", services.REPAIR_ORDER: "service:ro"}
    if task.source_type not in names or not task.source_id:
        return None
    try:
        return reverse(names[task.source_type], args=[task.source_id])
    except NoReverseMatch:
        return None


@require_store_perm(VIEW)
def my_calls(request: HttpRequest) -> HttpResponse:
    """Today's and overdue pending calls of the user (assigned, or in a role queue)."""
    tasks = list(selectors.my_calls(user=request.user, store=request.store)[:200])
    now = clock.now()
    return render(request, "care/followups/my_calls.html", {
        "tasks": tasks, "now": now,
        "overdue": sum(1 for t in tasks if t.due_at < now),
        "due": sum(1 for t in tasks if t.due_at >= now)})


def _detail_context(request, task: FollowUp, form: CompleteForm | None = None) -> dict:
    store = request.store
    questionnaire = task.questionnaire or questionnaire_for_kind(group=store.group,
                                                                 kind=task.kind)
    questions = list(questionnaire.questions.all()) if questionnaire else []
    can_work = task.status == FollowUpStatus.PENDING and has_store_perm(
        request.user, store, CHANGE) and services.followup_can_work(request.user, task)
    response = getattr(task, "response", None) if task.status == FollowUpStatus.DONE else None
    supervisor = has_store_perm(request.user, store, services.SUPERVISE)
    return {
        "task": task, "script": script_for(task.kind), "questionnaire": questionnaire,
        "form": form or CompleteForm(questions=questions), "can_work": can_work,
        "unreachable_form": UnreachableForm(), "cancel_form": CancelForm(),
        "reassign_form": ReassignForm(staff=selectors.store_staff(store), initial={
            "assignee": task.assignee_id, "assignee_role": task.assignee_role})
        if supervisor and task.status == FollowUpStatus.PENDING else None,
        "attempts": task.attempt_log.select_related("by__employee"),
        "response": response,
        "answers": response.answers.select_related("question").order_by(
            "question__position") if response else [],
        "source_url": _source_url(task), "queue": selectors.queue_label(task),
        "overdue": task.status == FollowUpStatus.PENDING and task.due_at < clock.now(),
        "other_tasks": task.customer.follow_ups.filter(store=store).exclude(pk=task.pk)
        .order_by("-due_at")[:8],
    }


@require_store_perm(VIEW)
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    return render(request, "care/followups/detail.html", _detail_context(request, task))


def _complete(request, task: FollowUp) -> HttpResponse | None:
    context = _detail_context(request, task)
    questions = list(context["questionnaire"].questions.all()) if context[
        "questionnaire"] else []
    form = CompleteForm(request.POST, questions=questions)
    if form.is_valid():
        try:
            services.followup_complete(
                actor=request.user, follow_up=task, result=form.cleaned_data["result"],
                scores=form.scores() or None, complaint_text=form.cleaned_data["complaint"],
                survey_declined=form.cleaned_data["survey_declined"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if task.feedback_id:
                messages.warning(request, _("Done. A complaint was opened: %(n)s.")
                                 % {"n": task.feedback.number})
            else:
                messages.success(request, _("Follow-up done."))
            return None
    return render(request, "care/followups/detail.html", _detail_context(request, task, form),
                  status=400)


def _unreachable(request, task: FollowUp) -> None:
    form = UnreachableForm(request.POST)
    form.is_valid()
    task = services.followup_unreachable(actor=request.user, follow_up=task,
                                         note=form.cleaned_data.get("note", ""))
    if task.status == FollowUpStatus.UNREACHABLE:
        messages.warning(request, _("Third try: the follow-up ends as unreachable."))
    else:
        messages.info(request, _("Unreachable; due again %(at)s.")
                      % {"at": f"{timezone.localtime(task.due_at):%Y-%m-%d %H:%M}"})


def _cancel(request, task: FollowUp) -> None:
    services.followup_cancel(actor=request.user, follow_up=task,
                             reason=request.POST.get("reason", ""))
    messages.success(request, _("Follow-up cancelled."))


def _reassign(request, task: FollowUp) -> None:
    form = ReassignForm(request.POST, staff=selectors.store_staff(request.store))
    if not form.is_valid():
        raise ValidationError(form.errors)
    services.followup_reassign(actor=request.user, follow_up=task,
                               assignee=form.cleaned_data["assignee"],
                               assignee_role=form.cleaned_data["assignee_role"])
    messages.success(request, _("Follow-up reassigned."))


ACTIONS = {"unreachable": _unreachable, "cancel": _cancel, "reassign": _reassign}


@require_POST
@require_store_perm(CHANGE)
def task_action(request: HttpRequest, pk: int) -> HttpResponse:
    """One button = one service call; refusals show as messages (403 for someone else's
    task)."""
    task = _task(request, pk)
    action = request.POST.get("action", "")
    if action == "complete":
        try:
            refused = _complete(request, task)
        except DomainError as exc:
            messages.error(request, exc.message)
            refused = None
        if refused is not None:
            return refused
    elif action in ACTIONS:
        try:
            ACTIONS[action](request, task)
        except (DomainError, ValidationError) as exc:
            messages.error(request, exc.message if isinstance(exc, DomainError)
                           else " ".join(exc.messages))
    else:
        raise Http404
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("care:followup", pk=task.pk)


@require_store_perm(services.SUPERVISE)
def overdue(request: HttpRequest) -> HttpResponse:
    """Every overdue task of the store, grouped by assignee or role queue."""
    return render(request, "care/followups/overdue.html", {
        "groups": selectors.overdue_grouped(store=request.store),
        "staff": list(selectors.store_staff(request.store)),
        "roles": ReassignForm(staff=None).fields["assignee_role"].choices})


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@require_store_perm(VIEW)
def task_list(request: HttpRequest) -> HttpResponse:
    """All tasks one may see, filtered by kind, status, assignee and due period; Excel."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in FollowUpKind.values else ""
    status = request.GET.get("status", "")
    status = status if status in FollowUpStatus.values else ""
    assignee = request.GET.get("assignee", "")
    assignee_id = int(assignee) if assignee.isdigit() else None
    start, end = _date(request.GET.get("from", "")), _date(request.GET.get("to", ""))
    if start and end and start > end:
        start, end = end, start
    tasks = selectors.task_list(user=request.user, store=request.store, kind=kind,
                                status=status, assignee=assignee_id, start=start, end=end,
                                overdue=request.GET.get("overdue") == "1")
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"follow-ups-{request.store.code}", [(_("Follow-ups"), [
            _("Due"), _("Kind"), _("Customer"), _("Vehicle"), _("Assignee"), _("Channel"),
            _("Status"), _("Attempts"), _("Completed"), _("Result")], (
            [t.due_at, t.get_kind_display(), t.customer.name, str(t.vehicle or ""),
             selectors.queue_label(t), t.get_channel_display(), t.get_status_display(),
             t.attempts, t.completed_at, t.result] for t in tasks.iterator()))])
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(request, "care/followups/list.html", {
        "page": paginate(request, tasks), "kind": kind, "status": status,
        "assignee": assignee_id, "start": start, "end": end, "query": query.urlencode(),
        "kinds": FollowUpKind.choices, "statuses": FollowUpStatus.choices,
        "staff": selectors.store_staff(request.store), "now": clock.now()})
