"""Pages of the appointments (SV-1 … SV-5): the day's list per SA, the slot finder,
booking, arrival (→ the repair order), shifts, the store calendar and the KPIs."""

from __future__ import annotations

import contextlib
import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siwei.core import clock
from siwei.core.errors import DomainError
from siwei.core.exports import xlsx_response
from siwei.core.permissions import has_store_perm
from siwei.core.reporting import download_redirect
from siwei.core.views import require_store_perm
from siwei.crm.models import Customer, Vehicle

from . import selectors_appointments as selectors
from .charts_reports import appointment_chart
from .forms_appointments import (
    AppointmentForm,
    ArriveForm,
    CalendarDayForm,
    CancelForm,
    PeriodForm,
    ShiftForm,
    SlotFinderForm,
    default_period,
)
from .models import Appointment, AppointmentStatus, ROCategory
from .services import appointments as services
from .services import calendar as calendar_services

A = AppointmentStatus


def _day(value: str | None, default: dt.date | None = None) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return default or clock.today()


def _appointment(request: HttpRequest, pk: int) -> Appointment:
    found = selectors.appointment_visible(store=request.store, pk=pk)
    if found is None:
        raise Http404
    return found


def _advisor(request: HttpRequest, value: str | None):
    if not (value or "").isdigit():
        return None
    return services.advisors(request.store).filter(pk=int(value)).first()


def _refusal(request: HttpRequest, exc: DomainError | ValidationError) -> str:
    if isinstance(exc, DomainError):
        return str(exc.message)
    return " ".join(exc.messages)


def _next_days_links(request: HttpRequest, exc: DomainError, query: dict) -> list[dict]:
    links = []
    for day in exc.extra.get("next_days", []) if isinstance(exc, DomainError) else []:
        params = {**query, "date": day}
        links.append({"day": dt.date.fromisoformat(day),
                      "url": f"{reverse('service:appointment-slots')}?{urlencode(params)}"})
    return links


def ro_url(ro_id: int | None) -> str | None:
    """The repair order page (``service:ro``, by the orders department) if it exists."""
    if not ro_id:
        return None
    try:
        return reverse("service:ro", kwargs={"pk": ro_id})
    except NoReverseMatch:
        return None


def _label(user) -> str:
    return services._advisor_name(user)


# --- the day's appointments --------------------------------------------------------------


@require_store_perm("service.view_appointment")
def appointment_list(request: HttpRequest) -> HttpResponse:
    """The day's appointments per SA with their states and the next step."""
    store = request.store
    day = _day(request.GET.get("date"))
    advisor = _advisor(request, request.GET.get("advisor"))
    status = request.GET.get("status", "")
    status = status if status in A.values else ""
    groups = selectors.day_list(store=store, day=day, advisor=advisor, status=status)
    if request.GET.get("format") == "xlsx":
        rows = ([timezone.localtime(a.start).strftime("%H:%M"), a.number, _label(a.advisor),
                 a.vehicle.plate, a.customer.name, a.get_category_display(),
                 a.estimated_hours, a.get_status_display(), a.get_channel_display(),
                 a.description] for g in groups for a in g["appointments"])
        return xlsx_response(f"appointments-{day}", [(_("Appointments"), [
            _("Time"), _("Number"), _("Service advisor"), _("Plate"), _("Customer"),
            _("Service type"), _("Estimated hours"), _("Status"), _("Channel"),
            _("What the customer says")], rows)])
    for group in groups:
        for appt in group["appointments"]:
            appt.ro_url = ro_url(appt.ro_id)
    user = request.user
    return render(request, "service/appointments/list.html", {
        "day": day, "groups": groups, "status": status, "statuses": A.choices,
        "advisor": advisor, "advisors": services.advisors(store),
        "previous": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1),
        "capacity": selectors.capacity_week(store=store, start=day, days=1)[0],
        "can_book": has_store_perm(user, store, "service.add_appointment"),
        "can_change": has_store_perm(user, store, "service.change_appointment"),
        "can_open_ro": has_store_perm(user, store, "service.add_repairorder"),
        "today": clock.today()})


@require_store_perm("service.view_appointment")
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from siwei.care.models import FollowUp

    appt = _appointment(request, pk)
    store, user = request.store, request.user
    chain = []
    previous = appt.rescheduled_from
    while previous is not None and len(chain) < 20:
        chain.append(previous)
        previous = previous.rescheduled_from
    return render(request, "service/appointments/detail.html", {
        "appt": appt, "ro_url": ro_url(appt.ro_id), "chain": chain,
        "next": Appointment.objects.filter(pk=appt.next_id).first() if appt.next_id else None,
        "parts": services.reserved_parts(appt),
        "reminders": FollowUp.objects.filter(source_type=services.DOCUMENT_TYPE,
                                             source_id=appt.pk).order_by("due_at"),
        "cancel_form": CancelForm(),
        "waiting": appt.status in (A.BOOKED, A.CONFIRMED),
        "can_change": has_store_perm(user, store, "service.change_appointment"),
        "can_open_ro": has_store_perm(user, store, "service.add_repairorder")})


# --- the slot finder and booking --------------------------------------------------------------


@require_store_perm("service.view_appointment")
def slot_finder(request: HttpRequest) -> HttpResponse:
    """SV-2/SV-3: pick a day and an SA → the bookable times as buttons."""
    store = request.store
    today = clock.today()
    data = request.GET.copy()
    data.setdefault("date", today.isoformat())
    form = SlotFinderForm(data, store=store)
    board = None
    hours = None
    reschedule = None
    if (request.GET.get("reschedule") or "").isdigit():
        reschedule = selectors.appointment_visible(store=store, pk=int(request.GET["reschedule"]))
        if reschedule is not None and reschedule.status not in (A.BOOKED, A.CONFIRMED):
            reschedule = None
    if form.is_valid():
        day = form.cleaned_data["date"]
        hours = form.cleaned_data.get("hours")
        if hours is None and reschedule is not None:
            hours = reschedule.estimated_hours
        if hours is None:
            hours = services.category_hours(form.cleaned_data.get("category") or None)
        board = selectors.slot_board(store=store, day=day, hours=hours,
                                     advisor=form.cleaned_data.get("advisor"))
    keep = {k: v for k, v in request.GET.items()
            if k in ("advisor", "category", "hours", "vehicle", "customer", "reschedule") and v}
    day = board["day"] if board else today
    return render(request, "service/appointments/slots.html", {
        "form": form, "board": board, "hours": hours, "reschedule": reschedule,
        "keep": keep, "keep_query": urlencode(keep),
        "previous": urlencode({**keep, "date": (day - dt.timedelta(days=1)).isoformat()}),
        "next": urlencode({**keep, "date": (day + dt.timedelta(days=1)).isoformat()}),
        "week": selectors.capacity_week(store=store, start=max(day - dt.timedelta(days=3),
                                                               today)),
        "can_book": has_store_perm(request.user, store, "service.add_appointment"),
        "can_change": has_store_perm(request.user, store, "service.change_appointment")})


def _vehicle_choices(request: HttpRequest, query: str) -> list[dict]:
    """Vehicles found by plate, VIN or the owner's mobile/name (CS-5 search)."""
    from siwei.crm.selectors import customer_search, vehicle_search

    found: dict[int, dict] = {}
    for vehicle in vehicle_search(user=request.user, store=request.store, query=query)[:20]:
        found[vehicle.pk] = {"vehicle": vehicle, "customer": vehicle.owner}
    for customer in customer_search(user=request.user, store=request.store, query=query)[:20]:
        for vehicle in customer.vehicles.all():
            found.setdefault(vehicle.pk, {"vehicle": vehicle, "customer": customer})
    return list(found.values())[:30]


@require_store_perm("service.add_appointment")
def appointment_new(request: HttpRequest) -> HttpResponse:
    """SV-1 booking: find the car by plate or mobile, then the booking form at the slot
    chosen in the slot finder."""
    store = request.store
    params = request.GET
    vehicle = Vehicle.objects.for_store(store).select_related("owner", "model").filter(
        pk=int(params["vehicle"]) if params.get("vehicle", "").isdigit() else 0).first()
    customer = None
    if vehicle is not None:
        customer = Customer.objects.for_store(store).filter(
            pk=int(params["customer"]) if params.get("customer", "").isdigit() else 0
        ).first() or vehicle.owner
    query = (params.get("q") or "").strip()
    keep = {k: v for k, v in params.items() if k in ("start", "advisor", "category", "hours")
            and v}
    initial = {"channel": "phone"}
    if params.get("start"):
        with contextlib.suppress(ValueError):
            initial["start"] = timezone.localtime(dt.datetime.fromisoformat(params["start"]))
    if _advisor(request, params.get("advisor")):
        initial["advisor"] = _advisor(request, params.get("advisor"))
    if params.get("category") in ROCategory.values:
        initial["category"] = params["category"]
    if params.get("hours"):
        initial["estimated_hours"] = params["hours"]
    form = AppointmentForm(request.POST or None, store=store, initial=initial)
    next_days = []
    if request.method == "POST" and vehicle is not None and customer is not None \
            and form.is_valid():
        data = form.cleaned_data
        try:
            appt = services.appointment_book(
                actor=request.user, store=store, customer=customer, vehicle=vehicle,
                advisor=data["advisor"], start=data["start"], category=data["category"],
                estimated_hours=data.get("estimated_hours"),
                operations=data.get("operations") or [],
                description=data["description"], channel=data["channel"],
                parts=data["parts"])
        except DomainError as exc:
            form.add_error(None, exc.message)
            next_days = _next_days_links(request, exc, {
                "advisor": data["advisor"].pk, "category": data["category"],
                "vehicle": vehicle.pk, "customer": customer.pk})
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _(
                "%(number)s booked: %(time)s with service advisor %(advisor)s — tell the "
                "customer the advisor's name.") % {
                    "number": appt.number,
                    "time": timezone.localtime(appt.start).strftime("%Y-%m-%d %H:%M"),
                    "advisor": _label(appt.advisor)})
            return redirect("service:appointment", pk=appt.pk)
    return render(request, "service/appointments/new.html", {
        "form": form, "vehicle": vehicle, "customer": customer, "query": query,
        "choices": _vehicle_choices(request, query) if query and vehicle is None else [],
        "keep": keep, "keep_query": urlencode(keep), "next_days": next_days,
        "slots_query": urlencode({**{k: v for k, v in keep.items() if k != "start"},
                                  **({"vehicle": vehicle.pk, "customer": customer.pk}
                                     if vehicle is not None and customer is not None
                                     else {})})})


# --- state changes ----------------------------------------------------------------------------


def _back(request: HttpRequest, appt: Appointment) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("service:appointment", pk=appt.pk)


@require_POST
@require_store_perm("service.change_appointment")
def appointment_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    appt = _appointment(request, pk)
    try:
        services.appointment_confirm(actor=request.user, appointment=appt)
    except (DomainError, ValidationError, PermissionDenied) as exc:
        messages.error(request, str(exc) if isinstance(exc, PermissionDenied)
                       else _refusal(request, exc))
    else:
        messages.success(request, _("%s confirmed.") % appt.number)
    return _back(request, appt)


@require_POST
@require_store_perm("service.change_appointment")
def appointment_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    appt = _appointment(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for cancelling."))
        return _back(request, appt)
    try:
        services.appointment_cancel(actor=request.user, appointment=appt,
                                    reason=form.cleaned_data["reason"])
    except (DomainError, ValidationError) as exc:
        messages.error(request, _refusal(request, exc))
    else:
        messages.success(request, _("%s cancelled; its parts are released.") % appt.number)
    return _back(request, appt)


@require_POST
@require_store_perm("service.change_appointment")
def appointment_reschedule_view(request: HttpRequest, pk: int) -> HttpResponse:
    appt = _appointment(request, pk)
    try:
        start = dt.datetime.fromisoformat(request.POST.get("start", ""))
    except ValueError:
        messages.error(request, _("Pick a time in the slot finder."))
        return redirect(f"{reverse('service:appointment-slots')}?reschedule={appt.pk}")
    if timezone.is_naive(start):
        start = timezone.make_aware(start)
    advisor = _advisor(request, request.POST.get("advisor")) or appt.advisor
    try:
        new = services.appointment_reschedule(actor=request.user, appointment=appt,
                                              start=start, advisor=advisor)
    except (DomainError, ValidationError) as exc:
        messages.error(request, _refusal(request, exc))
        return redirect(f"{reverse('service:appointment-slots')}?"
                        f"{urlencode({'reschedule': appt.pk, 'date': start.date()})}")
    messages.success(request, _("Rescheduled to %(time)s with %(advisor)s as %(number)s.") % {
        "time": timezone.localtime(new.start).strftime("%Y-%m-%d %H:%M"),
        "advisor": _label(new.advisor), "number": new.number})
    return redirect("service:appointment", pk=new.pk)


@require_store_perm("service.change_appointment")
def appointment_arrive_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer is here: one form (mileage read off the odometer) opens the RO."""
    if not has_store_perm(request.user, request.store, "service.add_repairorder"):
        return render(request, "403.html", status=403)
    appt = _appointment(request, pk)
    if appt.status not in (A.BOOKED, A.CONFIRMED):
        messages.info(request, _("%(number)s is %(status)s.") % {
            "number": appt.number, "status": appt.get_status_display()})
        return redirect("service:appointment", pk=appt.pk)
    now = clock.now()
    promised = max(appt.start, now) + dt.timedelta(hours=float(appt.estimated_hours) + 1)
    form = ArriveForm(request.POST or None, initial={
        "promised_at": timezone.localtime(promised).replace(second=0, microsecond=0),
        "complaints": appt.description})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None}
        try:
            ro = services.appointment_arrive(actor=request.user, appointment=appt, **data)
        except DomainError as exc:
            form.add_error("mileage" if exc.code == "odometer_rollback" else None, exc.message)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("%(ro)s opened from %(appointment)s.") % {
                "ro": ro.number, "appointment": appt.number})
            return redirect(ro_url(ro.pk) or reverse("service:appointment", args=[appt.pk]))
    return render(request, "service/appointments/arrive.html", {
        "appt": appt, "form": form, "last_km": appt.vehicle.last_km})


# --- shifts and the store calendar ---------------------------------------------------------


def _technicians(store):
    return get_user_model().objects.filter(
        employee__is_active=True, employee__assignments__store=store,
        employee__assignments__role__code="technician").select_related("employee").distinct() \
        .order_by("employee__name", "pk")


@require_store_perm("service.view_technicianshift")
def shifts(request: HttpRequest) -> HttpResponse:
    """The technicians' shifts of a week (SV-3 capacity), set by the foreman or manager."""
    store, user = request.store, request.user
    today = clock.today()
    start = _day(request.GET.get("week"), today - dt.timedelta(days=today.weekday()))
    can_edit = has_store_perm(user, store, "service.add_technicianshift") and has_store_perm(
        user, store, "service.change_technicianshift")
    technicians = _technicians(store)
    form = ShiftForm(request.POST if request.method == "POST" else None,
                     technicians=technicians,
                     initial={"first_day": start, "last_day": start + dt.timedelta(days=6),
                              "technicians": list(technicians)})
    if request.method == "POST":
        if not can_edit:
            return render(request, "403.html", status=403)
        if request.POST.get("remove"):
            tech = technicians.filter(pk=int(request.POST.get("technician") or 0)).first()
            day = _day(request.POST.get("day"), None)
            if tech is not None and calendar_services.shift_remove(
                    actor=user, store=store, technician=tech, day=day):
                messages.success(request, _("Shift removed."))
            return redirect(f"{reverse('service:shifts')}?week={start}")
        if form.is_valid():
            data = form.cleaned_data
            days = []
            day = data["first_day"]
            while day <= data["last_day"]:
                days.append(day)
                day += dt.timedelta(days=1)
            if data["working_days_only"]:
                open_days = calendar_services.working_days(store, days)
                days = [d for d in days if open_days[d]]
            try:
                for tech in data["technicians"]:
                    calendar_services.shift_set(actor=user, store=store, technician=tech,
                                                days=days, start=data["start"], end=data["end"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Shifts saved for %(n)s technicians on %(d)s days.")
                                 % {"n": len(data["technicians"]), "d": len(days)})
                return redirect(f"{reverse('service:shifts')}?week={start}")
    week = selectors.shifts_week(store=store, start=start)
    return render(request, "service/appointments/shifts.html", {
        "week": week, "start": start, "form": form, "can_edit": can_edit,
        "previous": start - dt.timedelta(days=7), "next": start + dt.timedelta(days=7)})


@require_store_perm("service.view_storecalendarday")
def store_calendar(request: HttpRequest) -> HttpResponse:
    """The store's own working days and days off over the official calendar."""
    store, user = request.store, request.user
    can_edit = has_store_perm(user, store, "service.change_storecalendarday")
    form = CalendarDayForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_edit:
            return render(request, "403.html", status=403)
        if request.POST.get("remove"):
            day = _day(request.POST.get("day"), None)
            calendar_services.calendar_day_remove(actor=user, store=store, day=day)
            messages.success(request, _("%s follows the official calendar again.") % day)
            return redirect("service:calendar")
        if form.is_valid():
            calendar_services.calendar_day_set(actor=user, store=store, **form.cleaned_data)
            messages.success(request, _("Calendar saved."))
            return redirect("service:calendar")
    today = clock.today()
    holidays = []
    import chinese_calendar

    for day, name in sorted(chinese_calendar.holidays.items()):
        if today <= day <= today + dt.timedelta(days=400):
            holidays.append({"day": day, "name": name,
                             "working": calendar_services.is_working_day(store, day)})
    return render(request, "service/appointments/calendar.html", {
        "overrides": selectors.calendar_overrides(store=store,
                                                  start=today - dt.timedelta(days=30)),
        "holidays": holidays, "form": form, "can_edit": can_edit,
        "week": selectors.capacity_week(store=store, start=today, days=14)})


# --- KPIs (SV-5) ----------------------------------------------------------------------------


@require_store_perm("service.view_appointment")
def appointment_kpis(request: HttpRequest) -> HttpResponse:
    store = request.store
    start, end = default_period()
    form = PeriodForm(request.GET if "start" in request.GET else None,
                      initial={"start": start, "end": end})
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    if request.GET.get("format") == "xlsx":
        return download_redirect("appointment-kpis", store=store, start=start, end=end)
    result = selectors.appointment_kpis(store=store, start=start, end=end)
    headers = [_("ROs"), _("ROs from appointments"), _("Appointment rate %"),
               _("Appointments"), _("Cancelled"), _("Showed up"), _("No-shows"),
               _("Show rate %"), _("Received on time"), _("On-time reception %")]
    return render(request, "service/appointments/kpis.html", {
        "form": form, "result": result, "chart": appointment_chart(result),
        "query": urlencode({"start": start, "end": end}), "headers": headers,
        "start": start, "end": end})
