"""Workshop pages: the dispatch board (SV-10), the technician's job list, the foreman's
check and the final inspection (SV-13), the quality daily report (SV-14) and the
workshop KPIs. Thin: forms in, a service call, a redirect; figures from the selectors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siwei.core import clock
from siwei.core.errors import DomainError
from siwei.core.permissions import has_store_perm
from siwei.core.reporting import download_redirect
from siwei.core.views import require_store_perm

from . import selectors_workshop as selectors
from .charts_reports import quality_chart, workshop_hours_chart
from .forms_workshop import (
    CHECK_LABELS,
    WEAR_LABELS,
    AssignForm,
    FinishForm,
    InspectionForm,
    PeriodForm,
)
from .models import Equipment, EquipmentKind, Job, JobStatus, RepairOrder, ROStatus
from .services.workshop import (
    PERM_DISPATCH,
    PERM_FINAL,
    PERM_FOREMAN,
    PERM_WORK,
    final_inspection_due,
    inspection_record,
    job_assign,
    job_finish,
    job_pause,
    job_resume,
    job_start,
)

LEVEL_PERMS = {2: PERM_FOREMAN, 3: PERM_FINAL}


def _refusal(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        return str(exc.message)
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for messages_ in exc.message_dict.values() for m in messages_) \
            if hasattr(exc, "error_dict") else " ".join(exc.messages)
    return str(exc) or _("You may not do this.")


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse(default)


def _store_job(request: HttpRequest, pk: int) -> Job:
    return get_object_or_404(
        Job.objects.filter(repair_order__store=request.store).select_related("repair_order"),
        pk=pk)


# --- SV-10 dispatch board ----------------------------------------------------------------


def _board_context(request: HttpRequest) -> dict:
    board = selectors.workshop_board(store=request.store)
    on_shift = [t.user for t in board.on_shift]
    return {"board": board, "technicians": on_shift, "htmx": _is_htmx(request)}


@require_store_perm(PERM_DISPATCH)
def board(request: HttpRequest) -> HttpResponse:
    """The foreman's board: technicians and their load, today's orders, unassigned jobs."""
    template = "service/workshop/_board.html" if _is_htmx(request) else (
        "service/workshop/board.html")
    return render(request, template, _board_context(request))


@require_POST
@require_store_perm(PERM_DISPATCH)
def job_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = _store_job(request, pk)
    technicians = selectors.technicians_on_shift(store=request.store, day=clock.today())
    form = AssignForm(request.POST, technicians=technicians)
    if not form.is_valid():
        messages.error(request, _("Choose a technician on shift today."))
    else:
        try:
            job_assign(actor=request.user, job=job, technician=form.cleaned_data["technician"])
        except (DomainError, ValidationError, PermissionDenied) as exc:
            messages.error(request, _refusal(exc))
        else:
            messages.success(request, _("%(job)s assigned to %(name)s.") % {
                "job": job.name, "name": selectors.person_name(form.cleaned_data["technician"])})
    if _is_htmx(request):
        return render(request, "service/workshop/_board.html", _board_context(request))
    return redirect(_next(request, "service:workshop-board"))


# --- the technician's jobs ---------------------------------------------------------------


@require_store_perm(PERM_WORK)
def my_jobs(request: HttpRequest) -> HttpResponse:
    """The logged-in technician's jobs with big clocking buttons (tablet)."""
    jobs = selectors.technician_jobs(store=request.store, technician=request.user)
    return render(request, "service/workshop/my_jobs.html", {
        "jobs": jobs, "finish_form": FinishForm(), "now": clock.now(),
        "working": any(j.running_since for j in jobs)})


ACTIONS = {"start": job_start, "pause": job_pause, "resume": job_resume}
DONE = {"start": _("Clocked on %(job)s."), "pause": _("%(job)s paused."),
        "resume": _("Clocked on %(job)s again."), "finish": _("%(job)s finished.")}


@require_POST
def job_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Start, pause, resume or finish (with the self-check) a job."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    store = request.store
    if store is None or not (has_store_perm(request.user, store, PERM_WORK)
                             or has_store_perm(request.user, store, PERM_DISPATCH)):
        return render(request, "403.html", status=403)
    if action not in (*ACTIONS, "finish"):
        raise Http404
    job = _store_job(request, pk)
    try:
        if action == "finish":
            form = FinishForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.as_data())
            job = job_finish(actor=request.user, job=job, self_check_passed=form.passed,
                             findings=form.cleaned_data["findings"])
        else:
            job = ACTIONS[action](actor=request.user, job=job)
    except (DomainError, ValidationError, PermissionDenied) as exc:
        messages.error(request, _refusal(exc))
    else:
        if action == "finish" and job.status != JobStatus.FINISHED:
            messages.warning(request, _("Self-check failed: %(job)s stays in progress for "
                                        "rework.") % {"job": job.name})
        else:
            messages.success(request, DONE[action] % {"job": job.name})
    return redirect(_next(request, "service:workshop-my-jobs"))


# --- SV-13 inspections -------------------------------------------------------------------


def _queue(request: HttpRequest, level: int) -> HttpResponse:
    orders = list(selectors.inspection_queue(store=request.store, level=level)[:200])
    return render(request, "service/workshop/inspections.html",
                  {"orders": orders, "level": level,
                   "title": _("Foreman checks") if level == 2 else _("Final inspection")})


@require_store_perm(PERM_FOREMAN)
def foreman_queue(request: HttpRequest) -> HttpResponse:
    return _queue(request, 2)


@require_store_perm(PERM_FINAL)
def final_queue(request: HttpRequest) -> HttpResponse:
    return _queue(request, 3)


def inspect(request: HttpRequest, pk: int, level: int) -> HttpResponse:
    """The foreman's check (level 2) or the QC inspector's final inspection (level 3) of
    one order, with the earlier levels shown."""
    if level not in LEVEL_PERMS:
        raise Http404
    return require_store_perm(LEVEL_PERMS[level])(_inspect)(request, pk=pk, level=level)


def _inspect(request: HttpRequest, pk: int, level: int) -> HttpResponse:
    ro = get_object_or_404(RepairOrder.objects.for_store(request.store)
                           .select_related("vehicle", "customer", "advisor__employee"), pk=pk)
    jobs = list(ro.jobs.exclude(status=JobStatus.DECLINED).exclude(declined=True)
                .select_related("technician__employee").order_by("id"))
    instruments = list(Equipment.objects.for_store(request.store)
                       .filter(kind=EquipmentKind.INSTRUMENT).order_by("asset_number"))
    form = InspectionForm(request.POST or None, level=level, jobs=jobs,
                          instruments=instruments)
    if request.method == "POST" and form.is_valid():
        try:
            inspection_record(actor=request.user, repair_order=ro, level=level,
                              **form.values())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = {"checks": None, "wear": None}.get(field, field)
                form.add_error(target if target in form.fields else None, errors)
        except (DomainError, PermissionDenied) as exc:
            overdue = isinstance(exc, DomainError) and exc.code == "instrument_overdue"
            form.add_error("instrument" if overdue else None, _refusal(exc))
        else:
            ro.refresh_from_db()
            if form.values()["passed"]:
                messages.success(request, _("Inspection passed: %(ro)s.") % {"ro": ro.number}
                                 if level == 2 else
                                 _("Final inspection passed: %(ro)s, certificate %(cert)s.")
                                 % {"ro": ro.number, "cert": ro.certificate_number})
            else:
                messages.warning(request, _("%(ro)s goes back to the workshop for rework.")
                                 % {"ro": ro.number})
            return redirect("service:workshop-foreman-checks" if level == 2
                            else "service:workshop-final-inspections")
    inspections = list(selectors.ro_inspections(ro))
    for item in inspections:
        item.check_items = [(CHECK_LABELS.get(k, k), v) for k, v in item.checks.items()]
        item.wear_items = [(WEAR_LABELS.get(k, k), v) for k, v in item.wear.items()]
    last = inspections[-1] if inspections else None
    due = ro.status == ROStatus.COMPLETED and (level == 2 or final_inspection_due(ro, last))
    return render(request, "service/workshop/inspect.html", {
        "ro": ro, "jobs": jobs, "form": form, "level": level, "due": due,
        "inspections": inspections})


# --- SV-14 quality daily report ----------------------------------------------------------


@require_store_perm("service.view_inspection")
def quality(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None, default_days=7)
    period = form.period()
    if request.GET.get("format") == "xlsx":
        return download_redirect("quality-daily", store=request.store, start=period.start,
                                 end=period.end)
    report = selectors.quality_daily(store=request.store, period=period)
    return render(request, "service/workshop/quality.html", {
        "form": form, "report": report, "chart": quality_chart(report),
        "query": _query(request)})


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("format", None)
    return query.urlencode()


# --- workshop KPIs -----------------------------------------------------------------------


@require_store_perm(PERM_DISPATCH)
def kpis(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None, month_to_date=True)
    period = form.period()
    if request.GET.get("format") == "xlsx":
        return download_redirect("workshop-kpis", store=request.store, start=period.start,
                                 end=period.end)
    result = selectors.workshop_kpis(store=request.store, period=period)
    return render(request, "service/workshop/kpis.html", {
        "form": form, "result": result, "chart": workshop_hours_chart(result),
        "query": _query(request)})
