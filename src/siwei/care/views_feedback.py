"""Pages of complaints and feedback: the complaint desk with SLA clocks, new feedback with
the suggested type and category, the detail page with its timeline and actions (CR-6,
CR-7), and the manager's analysis (CR-9)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from siwei.core import clock
from siwei.core.errors import DomainError
from siwei.core.exports import xlsx_response
from siwei.core.paging import paginate
from siwei.core.permissions import has_store_perm
from siwei.core.reporting import download_redirect
from siwei.core.views import require_store_perm, run_page_action

from . import selectors_feedback as selectors
from .charts import feedback_sla_chart, feedback_volume_chart, share_pie
from .forms_feedback import (
    ActionForm,
    FeedbackForm,
    FeedbackUpdateForm,
    ResolveForm,
    store_staff,
)
from .models import Feedback, FeedbackAction, FeedbackCategory, FeedbackKind, FeedbackStatus
from .services import feedback as services

VIEW, ADD, CHANGE, ANALYSE = ("care.view_feedback", "care.add_feedback",
                              "care.change_feedback", "care.analyse_feedback")


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _name(user) -> str:
    if user is None:
        return ""
    employee = getattr(user, "employee", None)
    return employee.name if employee else user.username


@require_store_perm(VIEW)
def feedback_list(request: HttpRequest) -> HttpResponse:
    """The complaint desk: filters, SLA clocks, escalations, Excel."""
    store, get = request.store, request.GET
    filters = {
        "status": get.get("status", "") if get.get("status", "") in
        [*FeedbackStatus.values, "open"] else "",
        "kind": get.get("kind", "") if get.get("kind", "") in FeedbackKind.values else "",
        "category": get.get("category", "") if get.get("category", "") in
        FeedbackCategory.values else "",
        "owner_id": int(get["owner"]) if get.get("owner", "").isdigit() else None,
        "escalated": get.get("escalated") == "1",
        "overdue": get.get("overdue") == "1",
        "start": _date(get.get("from", "")), "end": _date(get.get("to", "")),
        "q": get.get("q", "").strip(),
    }
    if get.get("mine") == "escalated":
        rows = selectors.escalated_to(user=request.user, store=store)
    else:
        rows = selectors.feedback_for(store=store, **filters)
    if get.get("format") == "xlsx":
        return _list_xlsx(request, rows)
    page = paginate(request, rows)
    selectors.with_clocks(page.object_list if hasattr(page, "object_list") else page)
    query = get.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(request, "care/feedback/list.html", {
        "page": page, "filters": filters, "mine": get.get("mine", ""),
        "statuses": FeedbackStatus.choices, "kinds": FeedbackKind.choices,
        "categories": FeedbackCategory.choices, "counts": selectors.counts(store=store),
        "owners": store_staff(store).select_related("employee"),
        "query": query.urlencode(), "can_add": has_store_perm(request.user, store, ADD),
        "can_analyse": has_store_perm(request.user, store, ANALYSE)})


def _list_xlsx(request, rows) -> HttpResponse:
    """The feedback list as .xlsx; contact phones masked without the personal-data
    permission, and the download audited (it holds personal data)."""
    from siwei.core.audit import audit_record
    from siwei.core.masking import can_view_personal_data, mask_mobile

    now = clock.now()
    full = can_view_personal_data(request)
    audit_record(actor=request.user, action="list.export", store=request.store,
                 object_type="feedback", note=f"feedback full={int(full)}")
    rows = rows.select_related("staff__employee", "sales_order", "repair_order")
    return xlsx_response("feedback", [(_("Feedback"), [
        _("Number"), _("Received"), _("Channel"), _("Customer"), _("Contact"), _("Type"),
        _("Category"), _("Severity"), _("Department"), _("Subject"), _("Status"), _("Owner"),
        _("Acknowledge by"), _("Acknowledged"), _("Resolve by"), _("Resolved"), _("Closed"),
        _("Escalation"), _("Times reopened"), _("Compensation"), _("SLA"), _("Root cause")], (
        [f.number, f.received_at, f.get_channel_display(),
         f.customer.name if f.customer_id else f.contact_name,
         f.contact_phone if full else mask_mobile(f.contact_phone),
         f.get_kind_display(), f.get_category_display(), f.get_severity_display(),
         f.get_department_display(), f.subject, f.get_status_display(), _name(f.owner),
         f.acknowledge_due_at, f.acknowledged_at, f.resolve_due_at, f.resolved_at, f.closed_at,
         f.escalation_level, f.reopen_count, f.compensation,
         "; ".join(f"{c['label']}: {c['text']}" for c in selectors.sla_clocks(f, now)),
         f.root_cause] for f in rows))])


@require_store_perm(ADD)
def feedback_new(request: HttpRequest) -> HttpResponse:
    """New feedback from any channel. "Suggest" fills type and category from the text
    (CR-8); staff confirm or change them before saving."""
    from .classification import suggest

    store = request.store
    suggestion = None
    if request.method == "POST" and "suggest" in request.POST:
        suggestion = suggest(group_id=store.group_id, text=f"{request.POST.get('subject', '')}"
                             f"\n{request.POST.get('content', '')}")
        data = request.POST.copy()
        data["kind"] = suggestion.kind or data.get("kind", "")
        data["category"] = suggestion.category or data.get("category", "")
        form = FeedbackForm(initial=data.dict(), store=store)
    else:
        initial = {}
        if request.GET.get("customer", "").isdigit():
            initial["customer_query"] = request.GET["customer"]
        form = FeedbackForm(request.POST or None, store=store, initial=initial)
    if request.method == "POST" and "suggest" not in request.POST and form.is_valid():
        try:
            feedback = services.feedback_create(actor=request.user, store=store,
                                                **form.service_kwargs())
        except (DomainError, ValidationError) as exc:
            from siwei.crm.views import form_errors

            form_errors(form, exc)
        else:
            messages.success(request, _("Feedback %s recorded.") % feedback.number)
            if has_store_perm(request.user, store, VIEW):
                return redirect("care:feedback-detail", pk=feedback.pk)
            return redirect("care:feedback-new")
    return render(request, "care/feedback/form.html", {
        "form": form, "suggestion": suggestion,
        "suggested_kind_label": _label(FeedbackKind, suggestion.kind if suggestion else ""),
        "suggested_category_label": _label(FeedbackCategory,
                                           suggestion.category if suggestion else "")})


def _label(choices, value: str) -> str:
    return str(dict(choices.choices).get(value, "")) if value else ""


EVENT_LABELS = {
    "receive": _lazy("Received"), "acknowledge": _lazy("Acknowledged"),
    "start": _lazy("Work started"), "resolve": _lazy("Resolved"), "close": _lazy("Closed"),
    "close_attempt": _lazy("Attempt to reach the customer"), "reopen": _lazy("Reopened"),
    "escalate": _lazy("Escalated"),
}


def _timeline(feedback: Feedback) -> list:
    statuses = dict(FeedbackStatus.choices)
    events = list(feedback.events.select_related("by__employee"))
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
        event.from_label = statuses.get(event.from_status, "")
        event.to_label = statuses.get(event.to_status, "")
    return events


def _feedback(request, pk: int) -> Feedback:
    feedback = (Feedback.objects.for_store(request.store)
                .select_related("customer", "vehicle__model", "sales_order", "repair_order",
                                "staff__employee", "owner__employee", "created_by__employee")
                .filter(pk=pk).first())
    if feedback is None:
        raise Http404
    return feedback


@require_store_perm(VIEW)
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = _feedback(request, pk)
    user, store = request.user, request.store
    can_change = has_store_perm(user, store, CHANGE)
    flow = services.FEEDBACK_FLOW
    is_complaint = feedback.kind == FeedbackKind.COMPLAINT
    actions = []
    if can_change:
        actions = [a for a in ("acknowledge", "start", "resolve", "close_attempt", "reopen")
                   if flow.allowed(feedback.status, a)]
        if flow.allowed(feedback.status, "close") or (
                not is_complaint and flow.allowed(feedback.status, "close_direct")):
            actions.append("close")
    return render(request, "care/feedback/detail.html", {
        "fb": feedback, "clocks": selectors.sla_clocks(feedback),
        "events": _timeline(feedback),
        "capa": feedback.actions.select_related("owner__employee"),
        "actions": actions, "can_change": can_change,
        "can_analyse": has_store_perm(user, store, ANALYSE),
        "escalated_role": services.escalation_role(feedback)
        if feedback.escalation_level else "",
        "update_form": FeedbackUpdateForm(initial=FeedbackUpdateForm.initial_for(feedback),
                                          store=store) if can_change else None,
        "resolve_form": ResolveForm(initial={"solution": feedback.solution}),
        "action_form": ActionForm(store=store, initial={
            "due_date": clock.today() + dt.timedelta(days=14)}),
        "close_attempts_left": services.CLOSE_ATTEMPTS - feedback.close_attempts,
        "today": clock.today()})


def _update(request, feedback):
    form = FeedbackUpdateForm(request.POST, store=request.store)
    if not form.is_valid():
        raise ValidationError(form.errors)
    services.feedback_update(actor=request.user, feedback=feedback,
                             **form.service_kwargs(feedback))
    messages.success(request, _("Saved."))


def _resolve(request, feedback):
    form = ResolveForm(request.POST)
    if not form.is_valid():
        raise ValidationError(form.errors)
    services.feedback_resolve(actor=request.user, feedback=feedback,
                              solution=form.cleaned_data["solution"],
                              compensation=form.cleaned_data["compensation"])


def _action_add(request, feedback):
    form = ActionForm(request.POST, store=request.store)
    if not form.is_valid():
        raise ValidationError(form.errors)
    services.feedback_action_add(actor=request.user, feedback=feedback, **form.cleaned_data)
    messages.success(request, _("Action added."))


def _action_done(request, feedback):
    value = request.POST.get("capa", "")
    action = FeedbackAction.objects.filter(feedback=feedback,
                                           pk=int(value) if value.isdigit() else 0).first()
    if action is None:
        raise Http404
    services.feedback_action_done(actor=request.user, action=action)


def _note(request) -> str:
    return request.POST.get("note", "")


PAGE_ACTIONS = {
    "update": (CHANGE, _update),
    "acknowledge": (CHANGE, lambda r, f: services.feedback_acknowledge(
        actor=r.user, feedback=f, note=_note(r))),
    "start": (CHANGE, lambda r, f: services.feedback_start(actor=r.user, feedback=f,
                                                            note=_note(r))),
    "resolve": (CHANGE, _resolve),
    "close": (CHANGE, lambda r, f: services.feedback_close(actor=r.user, feedback=f,
                                                            note=_note(r))),
    "close_attempt": (CHANGE, lambda r, f: services.feedback_close_attempt(
        actor=r.user, feedback=f, note=_note(r))),
    "reopen": (CHANGE, lambda r, f: services.feedback_reopen(
        actor=r.user, feedback=f, reason=r.POST.get("reason", ""))),
    "action_add": (ANALYSE, _action_add),
    "action_done": (VIEW, _action_done),
}


@require_POST
@require_store_perm(VIEW)
def feedback_action(request: HttpRequest, pk: int) -> HttpResponse:
    """One button on the feedback page = one service call; refusals show as messages."""
    feedback = _feedback(request, pk)
    denied = run_page_action(request, PAGE_ACTIONS, feedback)
    if denied is not None:
        return denied
    return redirect(reverse("care:feedback-detail", args=[feedback.pk]) + "#timeline")


@require_store_perm(ANALYSE)
def feedback_analysis(request: HttpRequest) -> HttpResponse:
    """CR-9: a month or a quarter of feedback, SLA compliance, repeat complaints, root
    causes and actions, the 12-month trend."""
    period, start, end, value = selectors.period_bounds(
        request.GET.get("period", "month"), request.GET.get("value", ""), clock.today())
    report = selectors.feedback_analysis(store=request.store, start=start, end=end)
    if request.GET.get("format") == "xlsx":
        return download_redirect("complaint-analysis", store=request.store, start=start,
                                 end=end)
    return render(request, "care/feedback/analysis.html", {
        "report": report, "period": period, "value": value,
        "months": _recent_months(), "quarters": _recent_quarters(),
        "volumes": [(_("By type"), report["by_kind"], "kind"),
                    (_("By department"), report["by_department"], "department"),
                    (_("By staff"), report["by_staff"], "staff"),
                    (_("By vehicle model"), report["by_model"], "model"),
                    (_("By status"), report["by_status"], "status")],
        "volume_chart": feedback_volume_chart(report), "sla_chart": feedback_sla_chart(report),
        "category_chart": share_pie(report["by_category"])})


def _recent_months() -> list[str]:
    from siwei.core.clock import add_months

    first = clock.today().replace(day=1)
    return [f"{add_months(first, -i):%Y-%m}" for i in range(24)]


def _recent_quarters() -> list[str]:
    today = clock.today()
    index = today.year * 4 + (today.month - 1) // 3
    return [f"{(index - i) // 4}-Q{(index - i) % 4 + 1}" for i in range(8)]

