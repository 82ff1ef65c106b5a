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
from siwei.core.exports import xlsx_response
from siwei.core.masking import can_view_personal_data, mask_mobile
from siwei.core.paging import paginate
from siwei.core.permissions import has_store_perm
from siwei.core.views import require_store_perm
from siwei.sales import reports
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
    """Daily figures of a month with month totals, a chart and an .xlsx download."""
    form = MonthForm(request.GET or None)
    month = (form.cleaned_data.get("month") if form.is_bound and form.is_valid()
             else None) or reports.month_start()
    if not form.errors:
        form = MonthForm(initial={"month": month})
    result = reports.showroom_days(store=request.store,
                                   period=reports.month_period(month))
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"showroom-{month:%Y-%m}", [_showroom_sheet(result)])
    return render(request, "crm/showroom/statistics.html", {
        "form": form, "month": month, "result": result,
        "chart": reports.showroom_chart(result["days"]), "query": _query(request)})


def _showroom_sheet(result: dict):
    headers = [_("Day"), _("Walk-ins"), _("Calls"), _("First visits"),
               _("First visits with info"), _("Info-left rate %"), _("Test drives"),
               _("Test-drive rate %"), _("Orders"), _("Conversion %")]

    def line(label, r):
        return [label, r["walk_ins"], r["calls"], r["first_visits"], r["first_with_info"],
                r["info_left_rate"], r["test_drives"], r["test_drive_rate"], r["orders"],
                r["conversion_rate"]]

    rows = [line(r["day"], r) for r in result["days"]]
    rows.append(line(_("Month total"), result["totals"]))
    return (_("Showroom statistics"), headers, rows)


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
    analysis = reports.lost_lead_analysis(store=request.store, period=period)
    leads = (reports.lost_leads(store=request.store, period=period)
             .select_related("customer", "consultant__employee")
             .prefetch_related("models_of_interest").order_by("-closed_at", "-id"))
    if request.GET.get("format") == "xlsx":
        reports.audit_export(actor=request.user, store=request.store,
                             report="lost_lead_analysis", note=_query(request))
        return xlsx_response(f"lost-leads-{period.start:%Y%m%d}-{period.end:%Y%m%d}",
                             _lost_sheets(analysis, leads))
    return render(request, "crm/showroom/lost_analysis.html", {
        "form": form, "period": period, "analysis": analysis,
        "page": paginate(request, leads, per_page=25),
        "pie": reports.lost_chart(analysis), "trend": reports.lost_month_chart(analysis),
        "query": _query(request)})


def _lost_sheets(analysis: dict, leads):
    reasons = [str(label) for _code, label in analysis["reason_labels"]]

    def matrix(title, first, rows):
        return (title, [first, *reasons, _("Total")],
                [[str(r["label"]), *r["counts"], r["total"]] for r in rows])

    detail = [[lead.closed_at, lead.customer.name, reports.person_name(lead.consultant),
               ", ".join(str(m) for m in lead.models_of_interest.all()),
               lead.get_loss_reason_display(), lead.loss_detail] for lead in leads]
    return [
        (_("By reason"), [_("Reason"), _("Lost leads")],
         [[str(r["label"]), r["n"]] for r in analysis["reasons"]]
         + [[_("Total"), analysis["total"]]]),
        matrix(_("By model"), _("Model of interest"), analysis["models"]),
        matrix(_("By consultant"), _("Consultant"), analysis["consultants"]),
        matrix(_("By month"), _("Month"), analysis["months"]),
        (_("Lost leads"), [_("Closed"), _("Customer"), _("Consultant"), _("Models"),
                           _("Reason"), _("Details")], detail),
    ]
