"""Pages: the showroom log and its statistics (CS-9), and the lost-lead analysis (CS-8).
Figures come from ``siwei.sales.reports`` (set-based, one query per grouping)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.errors import DomainError
from siwei.core.masking import can_view_personal_data, mask_mobile
from siwei.core.paging import paginate
from siwei.core.permissions import has_store_perm
from siwei.core.reporting import download_redirect
from siwei.core.views import require_store_perm
from siwei.sales import reports
from siwei.sales.charts import lost_chart, lost_month_chart, showroom_chart
from siwei.sales.forms_reports import MonthForm, PeriodForm

from .forms_showroom import ShowroomVisitForm
from .models import Customer, ShowroomVisit, VisitKind
from .services import showroom_visit_checkout, showroom_visit_log


def form_errors(form, exc: ValidationError | DomainError) -> None:
    """Show a service's refusal on the form: field errors at their fields."""
    if isinstance(exc, DomainError):
        form.add_error(None, str(exc.message))
        return
    for field, errors in exc.message_dict.items():
        field = "models" if field == "models_of_interest" else field
        form.add_error(field if field in form.fields else None, errors)


def _query(request: HttpRequest) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k not in ("format", "page")
                      and v])


# --- CS-9 showroom log ---------------------------------------------------------------


@require_store_perm("crm.add_showroomvisit")
def showroom_log(request: HttpRequest) -> HttpResponse:
    """The receptionist's page: a quick form, today's visits and today's counters."""
    store, user = request.store, request.user
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "checkout":
        return _checkout(request)
    consultants = reports.store_consultants(store)
    form = ShowroomVisitForm(
        request.POST if action == "log" else None, store=store, consultants=consultants,
        initial={"time_in": clock.localnow().replace(second=0, microsecond=0)})
    if action == "log" and form.is_valid():
        data = form.cleaned_data
        mobile = data["visitor_mobile"]
        customer = (Customer.objects.for_store(store).filter(
            mobile=mobile, merged_into__isnull=True).first() if mobile else None)
        try:
            visit = showroom_visit_log(
                actor=user, store=store, kind=data["kind"], time_in=data["time_in"],
                party_size=data["party_size"], first_visit=data["first_visit"],
                consultant=data["consultant"], visitor_name=data["visitor_name"],
                visitor_mobile=mobile, customer=customer, models=data["models"],
                test_drive=data["test_drive"], notes=data["notes"])
        except (DomainError, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Logged: %(visit)s.") % {"visit": visit})
            return redirect("crm:showroom")
    today = clock.today()
    visits = list(reports.showroom_visits_of_day(store=store, day=today))
    full = can_view_personal_data(request)
    for visit in visits:
        visit.shown_mobile = (visit.visitor_mobile if full
                              else mask_mobile(visit.visitor_mobile))
    return render(request, "crm/showroom/log.html", {
        "form": form, "visits": visits, "today": today,
        "counters": reports.showroom_today(store=store),
        "can_checkout": has_store_perm(user, store, "crm.change_showroomvisit"),
        "open_visits": sum(1 for v in visits if v.kind == VisitKind.WALK_IN
                           and v.time_out is None),
    })


def _checkout(request: HttpRequest) -> HttpResponse:
    """The visitor left: record the time out."""
    if not has_store_perm(request.user, request.store, "crm.change_showroomvisit"):
        return render(request, "403.html", status=403)
    pk = request.POST.get("visit", "")
    visit = ShowroomVisit.objects.for_store(request.store).filter(
        pk=int(pk) if pk.isdigit() else 0, kind=VisitKind.WALK_IN).first()
    if visit is None:
        messages.error(request, _("This visit is not in the log."))
    elif visit.time_out is not None:
        messages.info(request, _("This visitor has already left."))
    else:
        try:
            showroom_visit_checkout(actor=request.user, visit=visit)
        except (DomainError, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Time out recorded."))
    return redirect("crm:showroom")


# --- CS-9 statistics -----------------------------------------------------------------


@require_store_perm("crm.view_showroomvisit")
def showroom_statistics(request: HttpRequest) -> HttpResponse:
    """Daily figures of a month with month totals and a chart; the .xlsx download is the
    report catalogue's."""
    form = MonthForm(request.GET or None)
    month = (form.cleaned_data.get("month") if form.is_bound and form.is_valid()
             else None) or reports.month_start()
    if not form.errors:
        form = MonthForm(initial={"month": month})
    period = reports.month_period(month)
    if request.GET.get("format") == "xlsx":
        return download_redirect("showroom-statistics", store=request.store,
                                 start=period.start, end=period.end)
    result = reports.showroom_days(store=request.store, period=period)
    return render(request, "crm/showroom/statistics.html", {
        "form": form, "month": month, "result": result,
        "chart": showroom_chart(result["days"]), "query": _query(request)})


# --- CS-8 lost-lead analysis ---------------------------------------------------------


@require_store_perm("crm.view_all_leads")
def lost_lead_analysis(request: HttpRequest) -> HttpResponse:
    """Lost leads of a period by reason, model of interest, consultant and month."""
    today = clock.today()
    default = {"start": clock.add_months(reports.month_start(today), -5), "end": today}
    form = PeriodForm(request.GET if "start" in request.GET else None, initial=default)
    period = reports.Period(**default)
    if form.is_bound and form.is_valid():
        period = reports.Period(form.cleaned_data["start"], form.cleaned_data["end"])
    if request.GET.get("format") == "xlsx":  # the catalogue's download (audited there)
        return download_redirect("lost-leads", store=request.store, start=period.start,
                                 end=period.end)
    analysis = reports.lost_lead_analysis(store=request.store, period=period)
    leads = (reports.lost_leads(store=request.store, period=period)
             .select_related("customer", "consultant__employee")
             .prefetch_related("models_of_interest").order_by("-closed_at", "-id"))
    return render(request, "crm/showroom/lost_analysis.html", {
        "form": form, "period": period, "analysis": analysis,
        "page": paginate(request, leads, per_page=25),
        "pie": lost_chart(analysis), "trend": lost_month_chart(analysis),
        "query": _query(request)})
