"""Pages: test drives (CS-10), targets (CS-11), 三表一卡 (CS-12) and consultant
performance (CS-20). The figures come from ``sales.reports``; writes go through services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.errors import DomainError
from siwei.core.exports import xlsx_response
from siwei.core.masking import can_view_personal_data, mask_mobile
from siwei.core.paging import paginate
from siwei.core.permissions import has_store_perm
from siwei.core.reporting import download_redirect
from siwei.core.views import require_store_perm
from siwei.crm.models import Customer, LeadStatus

from . import reports
from .charts import performance_chart
from .forms_reports import (
    ControlSheetForm,
    MonthForm,
    TargetForm,
    TestDriveBookForm,
    TestDriveFinishForm,
    default_slot,
)
from .models import TestDrive
from .services import test_drive_book, test_drive_finish
from .services.targets import target_set

SHEETS = ("1", "2", "3", "4")


def form_errors(form, exc: ValidationError | DomainError, domain_field: str | None = None):
    """Show a service's refusal on the form: field errors at their fields."""
    if isinstance(exc, DomainError):
        form.add_error(domain_field if domain_field in form.fields else None, str(exc.message))
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "403.html", status=403)


def _month(request: HttpRequest):
    form = MonthForm(request.GET or None)
    month = None
    if form.is_bound and form.is_valid():
        month = form.cleaned_data.get("month")
    month = month or reports.month_start()
    if not form.errors:
        form = MonthForm(initial={"month": month})
    return month, form


# --- CS-10 test drives ---------------------------------------------------------------


@require_store_perm("sales.view_testdrive")
def test_drives(request: HttpRequest) -> HttpResponse:
    """Today's and upcoming test drives; booking (CS-10) and feedback."""
    store, user = request.store, request.user
    if "lookup" in request.GET:
        return _customer_hint(request)
    can_book = has_store_perm(user, store, "sales.add_testdrive")
    can_finish = has_store_perm(user, store, "sales.change_testdrive")
    vehicles = reports.demo_vehicles(store=store)
    action = request.POST.get("action") if request.method == "POST" else None
    book_form = TestDriveBookForm(request.POST if action == "book" else None, store=store,
                                  vehicles=vehicles, initial=default_slot())
    finish_form = TestDriveFinishForm(request.POST if action == "finish" else None)
    if action == "book":
        if not can_book:
            return _forbidden(request)
        if book_form.is_valid():
            data = book_form.cleaned_data
            customer = book_form.customer
            from siwei.crm.selectors import leads_open

            lead = (leads_open(user=user, store=store)
                    .filter(customer=customer, status=LeadStatus.OPEN)
                    .order_by("-created_at", "-id").first())
            try:
                drive = test_drive_book(
                    actor=user, store=store, vehicle=data["vehicle"], customer=customer,
                    start=data["start"], end=data["end"],
                    licence_number=data["licence_number"],
                    licence_checked=data["licence_checked"], lead=lead, route=data["route"])
            except (DomainError, ValidationError) as exc:
                form_errors(book_form, exc, domain_field="vehicle")
            else:
                messages.success(request, _("Test drive booked: %(drive)s.") % {"drive": drive})
                return redirect("sales:test-drives")
    elif action == "finish":
        if not can_finish:
            return _forbidden(request)
        if finish_form.is_valid():
            drive = TestDrive.objects.for_store(store).filter(
                pk=finish_form.cleaned_data["drive"]).first()
            if drive is None:
                finish_form.add_error(None, _("This test drive does not exist."))
            else:
                try:
                    test_drive_finish(actor=user, drive=drive,
                                      feedback=finish_form.cleaned_data["feedback"],
                                      end=finish_form.cleaned_data.get("end"))
                except (DomainError, ValidationError) as exc:
                    form_errors(finish_form, exc)
                else:
                    messages.success(request, _("Feedback saved."))
                    return redirect("sales:test-drives")
        if finish_form.errors:
            messages.error(request, " ".join(
                str(e) for errors in finish_form.errors.values() for e in errors))
    today = clock.today()
    drives = list(reports.test_drives_from(store=store, day=today))
    now = clock.now()
    for drive in drives:
        drive.state = ("done" if drive.feedback else "out" if drive.start <= now < drive.end
                       else "due" if drive.end <= now else "booked")
    context = {
        "today_drives": [d for d in drives if timezone.localtime(d.start).date() <= today],
        "upcoming": [d for d in drives if timezone.localtime(d.start).date() > today],
        "awaiting": [d for d in reports.test_drives_awaiting_feedback(store=store, now=now)
                     if timezone.localtime(d.start).date() < today],
        "book_form": book_form, "finish_form": finish_form, "can_book": can_book,
        "can_finish": can_finish, "vehicles": vehicles, "now": now,
        "full_mobile": can_view_personal_data(request),
    }
    return render(request, "sales/reports/test_drives.html", context)


def _customer_hint(request: HttpRequest) -> HttpResponse:
    """The customers matching a mobile number or its last 4 digits (htmx fragment)."""
    from siwei.core.validators import normalize_mobile

    raw = normalize_mobile(request.GET.get("mobile", ""))
    customers: list = []
    if raw.isdigit() and len(raw) in (4, 11):
        found = Customer.objects.for_store(request.store).filter(merged_into__isnull=True)
        found = found.filter(mobile=raw) if len(raw) == 11 else found.filter(mobile_last4=raw)
        customers = list(found.order_by("name")[:5])
    full = can_view_personal_data(request)
    for customer in customers:
        customer.shown_mobile = customer.mobile if full else mask_mobile(customer.mobile)
    return render(request, "sales/reports/_customer_hint.html",
                  {"customers": customers, "query": raw})


# --- CS-11 targets -------------------------------------------------------------------


@require_store_perm("sales.change_salestarget")
def targets(request: HttpRequest) -> HttpResponse:
    """The month's targets of the store and each consultant, as one editable grid."""
    store = request.store
    source = request.POST if request.method == "POST" else request.GET
    month_form = MonthForm(source or None)
    month = (month_form.cleaned_data.get("month") if month_form.is_bound
             and month_form.is_valid() else None) or reports.month_start()
    month_form = MonthForm(initial={"month": month})
    rows = reports.target_grid(store=store, month=month)
    bound = request.POST if request.method == "POST" else None
    for row in rows:
        target = row["target"]
        initial = ({key: getattr(target, key) for key in reports.TARGET_FIELDS}
                   if target is not None else {})
        row["form"] = TargetForm(bound, prefix=f"t{row['id'] or 'store'}", initial=initial)
    if bound is not None and all([row["form"].is_valid() for row in rows]):
        changed = [row for row in rows if row["form"].has_changed()]
        current = None
        try:
            with transaction.atomic():
                for row in changed:
                    current = row["form"]
                    target_set(actor=request.user, store=store, month=month,
                               consultant=row.get("user"), **row["form"].values())
        except (DomainError, ValidationError) as exc:
            form_errors(current, exc)
        else:
            messages.success(request, _("Targets saved (%(n)d rows changed).")
                             % {"n": len(changed)})
            return redirect(f"{reverse('sales:targets')}?{urlencode({'month': f'{month:%Y-%m}'})}")
    if bound is not None:
        messages.error(request, _("Some targets were not saved; see the marked cells."))
    return render(request, "sales/reports/targets.html", {
        "rows": rows, "month": month, "month_form": month_form,
        "metrics": reports.TARGET_METRICS})


# --- CS-12 三表一卡 -------------------------------------------------------------------


@require_store_perm("sales.view_salestarget")
def control_sheets(request: HttpRequest) -> HttpResponse:
    """三表一卡 (CS-12): four sheets, each on screen and as .xlsx (``?sheet=N&format=xlsx``;
    sheet 1 downloads through the report catalogue). A consultant sees their own figures,
    leads and customers (and the store total)."""
    store, user = request.store, request.user
    sheet = request.GET.get("sheet") if request.GET.get("sheet") in SHEETS else "1"
    view_all = has_store_perm(user, store, "crm.view_all_leads")
    consultants = reports.store_consultants(store) if view_all else [user]
    form = ControlSheetForm(request.GET or None, consultants=consultants)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    month = data.get("month") or reports.month_start()
    day = data.get("day") or clock.today()
    consultant = data.get("consultant") if view_all else user
    if not form.errors:  # show the figures' actual month, day and filters
        form = ControlSheetForm(consultants=consultants, initial={
            "month": month, "day": day, "consultant": getattr(data.get("consultant"), "pk", None),
            "grade": data.get("grade", ""), "overdue": data.get("overdue", False)})
    full = can_view_personal_data(request)
    xlsx = request.GET.get("format") == "xlsx"
    context = {"sheet": sheet, "form": form, "month": month, "day": day,
               "view_all": view_all, "consultant": consultant,
               "query": _query(request, exclude=("sheet", "format", "page"))}
    if sheet == "1":
        period = reports.month_period(month)
        if xlsx:  # the report catalogue's download of the same month
            return download_redirect("sales-targets", store=store, start=period.start,
                                     end=period.end)
        context["result"] = reports.target_vs_actual(store=store, period=period,
                                                     consultant=consultant)
        context["metrics"] = reports.TARGET_METRICS
    elif sheet == "2":
        result = reports.daily_activity(store=store, day=day, consultant=consultant)
        if xlsx:
            return xlsx_response(f"control-sheet-2-{day:%Y-%m-%d}", [_sheet2(result)])
        context["result"] = result
    elif sheet == "3":
        leads = reports.lead_contact_status(user=user, store=store, consultant=consultant,
                                            grade=data.get("grade", ""),
                                            overdue_only=bool(data.get("overdue")))
        now = clock.now()
        if xlsx:
            reports.audit_export(actor=user, store=store, report="control_sheet_3",
                                 note=_query(request))
            return xlsx_response(f"control-sheet-3-{clock.today():%Y-%m-%d}",
                                 [_sheet3(reports.with_overdue(leads, now), full)])
        page = paginate(request, leads)
        page.object_list = reports.with_overdue(page.object_list, now)
        for lead in page.object_list:
            lead.shown_mobile = _mobile(lead.customer.mobile, full)
        context["page"] = page
    else:
        customers = reports.customer_cards(user=user, store=store, consultant=consultant)
        if xlsx:
            reports.audit_export(actor=user, store=store, report="control_sheet_4",
                                 note=_query(request))
            return xlsx_response(f"control-sheet-4-{clock.today():%Y-%m-%d}",
                                 [_sheet4(customers, full)])
        page = paginate(request, customers)
        for customer in page.object_list:
            customer.shown_mobile = _mobile(customer.mobile, full)
        context["page"] = page
    return render(request, "sales/reports/control_sheets.html", context)


def _query(request: HttpRequest, exclude=("format", "page")) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k not in exclude and v])


def _mobile(mobile: str, full: bool) -> str:
    return mobile if full else mask_mobile(mobile)


def _sheet2(result: dict):
    headers = [_("Consultant"), *[str(label) for _c, label in result["types"]],
               _("Contacts"), _("Walk-ins"), _("New leads"), _("Test drives"), _("Orders"),
               _("Deliveries")]
    rows = [[str(r["name"]), *r["contacts"], r["contacts_total"], r["visits"], r["new_leads"],
             r["test_drives"], r["orders"], r["deliveries"]]
            for r in [*result["rows"], result["total"]]]
    return (_("Daily activity"), headers, rows)


def _sheet3(leads, full: bool):
    headers = [_("Customer"), _("Mobile"), _("Grade"), _("Status"), _("Consultant"),
               _("Created"), _("Last contact"), _("Next due"), _("Overdue days"),
               _("Contacts")]
    rows = [[lead.customer.name, _mobile(lead.customer.mobile, full), lead.grade,
             lead.get_status_display(), reports.person_name(lead.consultant), lead.created_at,
             lead.last_contact_at, lead.next_follow_up_at, lead.overdue_days,
             lead.contact_count] for lead in leads]
    return (_("Lead contact status"), headers, rows)


def _sheet4(customers, full: bool):
    headers = [_("Customer"), _("Mobile"), _("Category"), _("Leads"), _("Open leads"),
               _("Grade"), _("Last contact")]
    rows = [[c.name, _mobile(c.mobile, full), c.get_category_display(), c.leads_total,
             c.leads_open, c.open_grade or "", c.last_contact] for c in customers]
    return (_("Customer cards"), headers, rows)


# --- CS-20 consultant performance ----------------------------------------------------


@require_store_perm("crm.view_all_leads")
def consultant_performance(request: HttpRequest) -> HttpResponse:
    """CS-20 per consultant for a month: table and bar chart; the .xlsx is the report
    catalogue's."""
    month, month_form = _month(request)
    period = reports.month_period(month)
    if request.GET.get("format") == "xlsx":
        return download_redirect("consultant-performance", store=request.store,
                                 start=period.start, end=period.end)
    result = reports.consultant_performance(store=request.store, period=period)
    return render(request, "sales/reports/performance.html", {
        "result": result, "month": month, "month_form": month_form,
        "chart": performance_chart(result["rows"]),
        "query": _query(request)})
