"""Pages of the service advisor: the RO list, reception from a plate, the RO page with
its estimate, signature, approvals, parts, settlement and gate pass, and the printable
estimate / contract / bill / gate pass."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
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
from siwei.core.paging import paginate
from siwei.core.permissions import has_store_perm
from siwei.core.views import require_store_perm, run_page_action
from siwei.crm.models import Vehicle
from siwei.crm.views import form_errors

from . import selectors_orders as selectors
from .forms_orders import (
    ApproveAdditionalForm,
    CancelForm,
    JobForm,
    PartForm,
    PaymentForm,
    ReceptionForm,
    SettleForm,
    SignForm,
)
from .models import Appointment, AppointmentStatus, Job, PartLine, RepairOrder, ROStatus
from .services import orders as services
from .services import settlement

VIEW = "service.view_repairorder"
CHANGE = "service.change_repairorder"


def _url(name: str, *args) -> str | None:
    """A URL of another part of the service app, if that part is installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@require_store_perm(VIEW)
def ro_list(request: HttpRequest) -> HttpResponse:
    """Today's work: the orders not yet delivered by promised time (late ones marked), or
    every order by state, day and text; Excel download."""
    status = request.GET.get("status", "")
    query = request.GET.get("q", "")
    mine = request.GET.get("mine") == "1"
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = None
    active = not status and day is None and not query
    orders = selectors.repair_order_list(
        user=request.user, store=request.store, status=status, query=query, day=day,
        advisor=request.user if mine else None, active=active)
    if request.GET.get("format") == "xlsx":
        return xlsx_response("repair-orders", [(_("Repair orders"), [
            _("Number"), _("Plate"), _("Customer"), _("Category"), _("Status"),
            _("Received"), _("Promised"), _("Estimate"), _("Customer pays"), _("Paid"),
            _("Advisor")], (
            [o.number, o.vehicle.plate, o.customer.name, o.get_category_display(),
             o.get_status_display(), timezone.localtime(o.received_at).replace(tzinfo=None),
             timezone.localtime(o.promised_at).replace(tzinfo=None), o.estimate_total,
             o.customer_total, o.paid, o.advisor.employee.name if hasattr(o.advisor, "employee")
             else o.advisor.get_username()]
            for o in orders[:5000]))])
    page = paginate(request, orders)
    page.object_list = selectors.mark_late(page.object_list)
    return render(request, "service/orders/list.html", {
        "page": page, "status": status, "query": query, "day": day, "mine": mine,
        "active": active, "statuses": ROStatus.choices,
        "can_receive": has_store_perm(request.user, request.store, "service.add_repairorder")})


def _appointment_today(store, vehicle) -> Appointment | None:
    today = clock.today()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    return (Appointment.objects.for_store(store)
            .filter(vehicle=vehicle, start__gte=start, start__lt=start + dt.timedelta(days=1),
                    status__in=[AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED])
            .select_related("advisor__employee").order_by("start").first())


@require_store_perm("service.add_repairorder")
def reception(request: HttpRequest) -> HttpResponse:
    """Walk-in reception (SV-7): find the car by plate, then one form opens the order. A
    booking for the car today is taken over (the appointment becomes arrived)."""
    store = request.store
    plate = request.GET.get("plate", request.POST.get("plate", "")).strip().upper()
    vehicles = []
    vehicle = None
    if request.GET.get("vehicle") or request.POST.get("vehicle"):
        vehicle = (Vehicle.objects.for_store(store).select_related("owner", "model")
                   .filter(pk=request.GET.get("vehicle") or request.POST.get("vehicle"))
                   .first())
    elif plate:
        vehicles = list(Vehicle.objects.for_store(store).filter(plate__contains=plate)
                        .select_related("owner", "model").order_by("plate")[:20])
        if len(vehicles) == 1:
            vehicle = vehicles[0]
    context = {"plate": plate, "vehicles": vehicles, "vehicle": vehicle}
    if vehicle is None:
        return render(request, "service/orders/reception.html", context)
    if vehicle.owner_id is None:
        messages.error(request, _("The vehicle has no owner on file; complete it on the "
                                  "customer card first."))
        return render(request, "service/orders/reception.html", context)
    appointment = _appointment_today(store, vehicle)
    now = clock.localnow()
    promised = (now + dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    initial = {"promised_at": promised, "mileage": vehicle.last_km,
               "category": appointment.category if appointment else "maintenance",
               "complaints": appointment.description if appointment else ""}
    form = ReceptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.reception()
        try:
            if appointment is not None and request.POST.get("from_appointment") == "1":
                from .services.appointments import appointment_arrive

                data.pop("category")
                ro = appointment_arrive(actor=request.user, appointment=appointment,
                                        complaints=form.complaint_lines(), **data)
            else:
                ro = services.repair_order_open(
                    actor=request.user, store=store, customer=vehicle.owner, vehicle=vehicle,
                    complaints=form.complaint_lines(), **data)
        except (DomainError, ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                form.add_error(None, str(exc))
            else:
                form_errors(form, exc)
        else:
            messages.success(request, _("Repair order %s opened.") % ro.number)
            if ro.comeback_of_id:
                messages.warning(request, _("Comeback: this car was released within the "
                                            "comeback window on %s.") % ro.comeback_of.number)
            return redirect("service:ro", pk=ro.pk)
    last = (RepairOrder.objects.for_store(store).filter(vehicle=vehicle)
            .exclude(status=ROStatus.CANCELLED).order_by("-received_at").first())
    context.update({"form": form, "appointment": appointment, "last": last,
                    "due": selectors.next_maintenance(vehicle)})
    return render(request, "service/orders/reception.html", context)


def _ro(request, pk: int) -> RepairOrder:
    ro = selectors.repair_orders_for(user=request.user, store=request.store).select_related(
        "comeback_of", "appointment", "contract_approved_by__employee").filter(pk=pk).first()
    if ro is None:
        raise Http404
    return ro


@require_store_perm(VIEW)
def ro_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The order page: estimate, lines, signature, approvals, parts, settlement, payment
    and gate pass — each block shown when it is the next step and the user may do it."""
    ro = _ro(request, pk)
    store, user = request.store, request.user
    detail = selectors.repair_order_detail(ro)
    perms = {name: has_store_perm(user, store, perm) for name, perm in {
        "change": CHANGE, "contract": "service.approve_contract",
        "issue": "parts.issue_stock", "pay": "finance.add_payment",
        "release": "service.release_vehicle"}.items()}
    editable = ro.status in (ROStatus.DRAFT, ROStatus.OPEN, ROStatus.IN_PROGRESS,
                             ROStatus.COMPLETED)
    return render(request, "service/orders/detail.html", {
        "ro": ro, **detail, "perms_ro": perms, "editable": editable,
        "late": ro.status in selectors.BEFORE_DELIVERY and ro.promised_at < clock.now(),
        "job_form": JobForm(group=store.group), "part_form": PartForm(),
        "sign_form": SignForm(initial={"signed_by_name": ro.customer.name}),
        "approve_form": ApproveAdditionalForm(initial={"approved_by_name": ro.customer.name}),
        "settle_form": SettleForm(), "cancel_form": CancelForm(),
        "payment_form": PaymentForm(initial={"amount": detail["balance"]}),
        "workshop_url": _url("service:workshop-board"),
        "claim_url": _url("service:warranty-claim-new", ro.pk)
        if any(line.payer == "warranty" for line in [*detail["jobs"], *detail["parts"]])
        else None,
    })


def _line(request, ro: RepairOrder) -> Job | PartLine:
    kind, _sep, pk = request.POST.get("line", "").partition("-")
    model = {"job": Job, "part": PartLine}.get(kind)
    line = model.objects.filter(repair_order=ro, pk=pk).first() if model and pk.isdigit() \
        else None
    if line is None:
        raise ValidationError({"line": [_("Choose a line.")]})
    return line


def _lines(request, ro: RepairOrder) -> list[Job | PartLine]:
    chosen = request.POST.getlist("lines")
    jobs = [int(v[4:]) for v in chosen if v.startswith("job-") and v[4:].isdigit()]
    parts = [int(v[5:]) for v in chosen if v.startswith("part-") and v[5:].isdigit()]
    lines = list(Job.objects.filter(repair_order=ro, pk__in=jobs)) + list(
        PartLine.objects.filter(repair_order=ro, pk__in=parts))
    if not lines:
        raise ValidationError({"lines": [_("Tick the lines.")]})
    return lines


def _valid(form_class, request, **kwargs):
    form = form_class(request.POST, **kwargs)
    if not form.is_valid():
        raise ValidationError([f"{form.fields[f].label if f in form.fields else ''}: {m}"
                               for f, errors in form.errors.items() for m in errors])
    return form.cleaned_data


def _add_job(request, ro):
    data = _valid(JobForm, request, group=request.store.group)
    services.repair_order_add_job(actor=request.user, repair_order=ro, **data)


def _add_part(request, ro):
    from siwei.parts.models import Part

    data = _valid(PartForm, request)
    number = data.pop("part_number").replace(" ", "").replace("-", "").upper()
    part = Part.objects.filter(group_id=request.store.group_id, number=number,
                               is_active=True).first()
    if part is None:
        raise ValidationError({"part_number": [_("No part %s in the catalogue.") % number]})
    services.repair_order_add_part(actor=request.user, repair_order=ro, part=part, **data)


def _sign(request, ro):
    data = _valid(SignForm, request)
    services.repair_order_sign(actor=request.user, repair_order=ro, **data)
    messages.success(request, _("Signed. Print the estimate for the customer."))


def _approve(request, ro):
    data = _valid(ApproveAdditionalForm, request)
    services.repair_order_approve_additional(actor=request.user, repair_order=ro,
                                             lines=_lines(request, ro), **data)


def _decline(request, ro):
    """The same form as the approval: who answered, and their signature for a declined
    safety item."""
    services.repair_order_decline_additional(
        actor=request.user, repair_order=ro, lines=_lines(request, ro),
        declined_by_name=request.POST.get("approved_by_name", ""),
        signature=request.POST.get("decline_signature", ""))


def _issue(request, ro, back: bool = False):
    line = _line(request, ro)
    if not isinstance(line, PartLine):
        raise ValidationError({"line": [_("Choose a part line.")]})
    try:
        qty = Decimal(request.POST.get("quantity") or "0")
    except ArithmeticError:
        raise ValidationError({"quantity": [_("Enter a number.")]}) from None
    run = services.repair_order_return_parts if back else services.repair_order_issue_parts
    run(actor=request.user, repair_order=ro, lines=[(line, qty)])


def _settle(request, ro):
    data = _valid(SettleForm, request)
    settlement.repair_order_settle(actor=request.user, repair_order=ro, **data)


def _pay(request, ro):
    from siwei.finance.services import payment_record

    data = _valid(PaymentForm, request)
    payment = payment_record(actor=request.user, store=request.store, repair_order=ro, **data)
    messages.success(request, _("Receipt %s recorded.") % payment.receipt_number)


def _release(request, ro):
    ro = settlement.repair_order_release(actor=request.user, repair_order=ro)
    messages.success(request, _("Gate pass %s issued.") % ro.gate_pass_number)


ACTIONS = {
    "add_job": (CHANGE, _add_job),
    "add_part": (CHANGE, _add_part),
    "remove_line": (CHANGE, lambda r, o: services.repair_order_remove_line(
        actor=r.user, repair_order=o, line=_line(r, o))),
    "sign": (CHANGE, _sign),
    "approve_contract": ("service.approve_contract",
                         lambda r, o: services.repair_order_approve_contract(
                             actor=r.user, repair_order=o)),
    "approve_additional": (CHANGE, _approve),
    "decline_additional": (CHANGE, _decline),
    "issue": ("parts.issue_stock", _issue),
    "return": ("parts.issue_stock", lambda r, o: _issue(r, o, back=True)),
    "settle": (CHANGE, _settle),
    "pay": ("finance.add_payment", _pay),
    "release": ("service.release_vehicle", _release),
    "cancel": (CHANGE, lambda r, o: services.repair_order_cancel(
        actor=r.user, repair_order=o, reason=r.POST.get("reason", ""))),
}


@require_POST
@require_store_perm(VIEW)
def ro_action(request: HttpRequest, pk: int) -> HttpResponse:
    """One button on the order page = one service call; refusals show as messages."""
    ro = _ro(request, pk)
    refused = run_page_action(request, ACTIONS, ro)
    if refused is not None:
        return refused
    return redirect(reverse("service:ro", args=[ro.pk]) + "#" + request.POST.get("anchor", ""))


PRINTS = {"estimate", "contract", "bill", "gate-pass"}


@require_store_perm(VIEW)
def ro_print(request: HttpRequest, pk: int, doc: str) -> HttpResponse:
    """Print layouts for the browser: the signed estimate (SV-7), the repair contract
    (SV-8), the bill (SV-15) and the gate pass (SV-16)."""
    if doc not in PRINTS:
        raise Http404
    ro = _ro(request, pk)
    if doc == "gate-pass" and not ro.gate_pass_number:
        raise Http404
    return render(request, "service/orders/print.html", {
        "ro": ro, "doc": doc, **selectors.bill_context(ro), "printed_at": clock.now()})
