"""Pages for vehicle stock, certificates, orders, delivery and the cashier desk."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siwei.core import clock
from siwei.core.errors import DomainError
from siwei.core.exports import xlsx_response
from siwei.core.paging import paginate
from siwei.core.periods import period_from_request
from siwei.core.permissions import has_store_perm
from siwei.core.reporting import download_redirect
from siwei.core.views import refusal_message, require_store_perm, run_page_action
from siwei.crm.models import Customer, Lead
from siwei.crm.views import form_errors
from siwei.finance.services import payment_record

from . import selectors, services
from .forms import (
    CertificateMoveForm,
    DeliveryForm,
    OrderForm,
    OrderLineFormSet,
    PaymentForm,
    SalesSettingsForm,
    StockVehicleForm,
)
from .models import OrderStatus, SalesOrder, StockStatus, StockVehicle


@require_store_perm("sales.view_stockvehicle")
def stock_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    stock = selectors.stock_list(store=request.store, status=status or None)
    today = clock.today()
    if request.GET.get("format") == "xlsx":
        rows = ([v.vin, str(v.model), v.trim.name if v.trim else "", v.colour,
                 v.get_status_display(), v.arrival_date, selectors.aging_days(v, today), v.cost,
                 v.msrp, v.get_certificate_status_display(), v.location] for v in stock)
        return xlsx_response("vehicle-stock", [(_("Vehicle stock"), [
            "VIN", _("Model"), _("Trim"), _("Colour"), _("Status"), _("Arrival date"),
            _("Days in stock"), _("Purchase cost"), _("MSRP"), _("Certificate"),
            _("Location")], rows)])
    page = paginate(request, stock)
    for vehicle in page:
        vehicle.aging = selectors.aging_days(vehicle, today)
    return render(request, "sales/stock_list.html", {
        "page": page, "status": status, "statuses": StockStatus.choices})


@require_store_perm("sales.add_stockvehicle")
def stock_new(request: HttpRequest) -> HttpResponse:
    form = StockVehicleForm(request.POST or None, group=request.store.group,
                            initial={"arrival_date": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
        try:
            vehicle = services.stock_vehicle_create(actor=request.user, store=request.store,
                                                    **data)
        except (DomainError, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("%s taken into stock.") % vehicle)
            return redirect("sales:stock")
    return render(request, "crm/simple_form.html", {
        "form": form, "title": _("New stock vehicle"), "back": reverse("sales:stock")})


@require_store_perm("sales.view_stockvehicle")
def stock_balance(request: HttpRequest) -> HttpResponse:
    """进销存 (CS-14) for a period; the .xlsx download is the report catalogue's."""
    start, end = period_from_request(request)
    if request.GET.get("format") == "xlsx":
        return download_redirect("vehicle-stock", store=request.store, start=start, end=end)
    rows = selectors.stock_balance(store=request.store, start=start, end=end)
    headers = [_("Model"), _("Trim"), _("Colour"), _("Opening"), _("Received"), _("Sold"),
               _("Closing"), _("In transit"), _("Allocated"), "0–30", "31–60", "61–90", "90+"]
    totals = {key: sum(r[key] for r in rows) for key in (
        "opening", "received", "sold", "closing", "in_transit", "allocated", "age_0", "age_31",
        "age_61", "age_91")}
    return render(request, "sales/stock_balance.html", {
        "rows": rows, "totals": totals, "start": start, "end": end, "headers": headers})


@require_store_perm("sales.view_certificatemove")
def certificates(request: HttpRequest) -> HttpResponse:
    """Certificate custody and the weekly reconciliation (证表相符, CS-15)."""
    from django.db.models import Prefetch

    from .models import CertificateMove

    vehicles = selectors.stock_list(store=request.store).exclude(
        status=StockStatus.DELIVERED).prefetch_related(Prefetch(
            "certificate_moves", to_attr="moves",
            queryset=CertificateMove.objects.select_related("by__employee").order_by("at")))
    problems = selectors.certificate_reconciliation(store=request.store)
    if request.GET.get("format") == "xlsx":
        return xlsx_response("certificate-reconciliation", [(_("Mismatches"), [
            "VIN", _("Model"), _("Vehicle status"), _("Certificate"), _("Problem")], (
            [p["vehicle"].vin, str(p["vehicle"].model), p["vehicle"].get_status_display(),
             p["vehicle"].get_certificate_status_display(), p["problem"]] for p in problems))])
    return render(request, "sales/certificates.html", {
        "vehicles": vehicles, "problems": problems, "form": CertificateMoveForm(),
        "can_move": has_store_perm(request.user, request.store, "sales.move_certificate")})


@require_POST
@require_store_perm("sales.move_certificate")
def certificate_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    vehicle = StockVehicle.objects.for_store(request.store).filter(pk=pk).first()
    if vehicle is None:
        raise Http404
    form = CertificateMoveForm(request.POST)
    if form.is_valid():
        try:
            services.certificate_move(actor=request.user, vehicle=vehicle, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            messages.error(request, refusal_message(exc))
        else:
            messages.success(request, _("Certificate moved."))
    return redirect("sales:certificates")


@require_store_perm("sales.view_salesorder")
def order_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    orders = selectors.orders_for(user=request.user, store=request.store)
    if status:
        orders = orders.filter(status=status)
    if request.GET.get("format") == "xlsx":
        return xlsx_response("sales-orders", [(_("Sales orders"), [
            _("Number"), _("Customer"), _("Model"), _("Status"), _("Vehicle price"),
            _("Customer pays"), _("Paid"), _("Gross profit"), _("Consultant"), _("Created")], (
            [o.number, o.customer.name, str(o.model), o.get_status_display(), o.vehicle_price,
             o.total, o.paid, o.gross_profit, o.consultant.employee.name, o.created_at]
            for o in orders))])
    return render(request, "sales/order_list.html", {
        "page": paginate(request, orders), "status": status, "statuses": OrderStatus.choices,
        "totals": selectors.order_totals_by_status(store=request.store)})


def _lines(formset) -> list[dict]:
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE" and v is not None}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
        and (form.cleaned_data.get("description") or form.cleaned_data.get("part"))
    ]


@require_store_perm("sales.add_salesorder")
def order_new(request: HttpRequest) -> HttpResponse:
    """A quote for a lead (or a customer): price components and accessories (CS-16)."""
    lead = Lead.objects.for_store(request.store).filter(pk=request.GET.get("lead") or 0).first()
    customer = lead.customer if lead else Customer.objects.for_store(request.store).filter(
        pk=request.GET.get("customer") or 0).first()
    if customer is None:
        messages.info(request, _("Open the quote from a lead or a customer card."))
        return redirect("crm:leads")
    initial = {}
    if lead is not None:
        first_model = lead.models_of_interest.first()
        if first_model is not None:
            initial["model"] = first_model
            trim = first_model.trims.first()
            if trim is not None:
                initial.update(trim=trim, vehicle_price=trim.msrp)
    form = OrderForm(request.POST or None, group=request.store.group, initial=initial)
    lines = OrderLineFormSet(request.POST or None, prefix="lines",
                             form_kwargs={"group": request.store.group})
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        data = dict(form.cleaned_data)
        try:
            order = services.order_create(
                actor=request.user, store=request.store, customer=customer, lead=lead,
                model=data.pop("model"), lines=_lines(lines), **data)
        except (DomainError, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Quote %s created.") % order.number)
            return redirect("sales:order", pk=order.pk)
    return render(request, "sales/order_form.html", {
        "form": form, "lines": lines, "customer": customer, "lead": lead})


def _order(request, pk: int) -> SalesOrder:
    order = selectors.orders_for(user=request.user, store=request.store).filter(pk=pk).first()
    if order is None:
        raise Http404
    return order


@require_store_perm("sales.view_salesorder")
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    store, user = request.store, request.user
    return render(request, "sales/order_detail.html", {
        "order": order, "lines": order.lines.all(),
        "payments": order.payments.select_related("cashier__employee").order_by("at"),
        "available": selectors.available_stock(store=store, model=order.model)
        if order.status == OrderStatus.CONFIRMED else [],
        "discount": order.msrp - order.vehicle_price,
        "payment_form": PaymentForm(initial={"amount": max(order.total - order.paid,
                                                           Decimal("0"))}),
        "can_pay": has_store_perm(user, store, "finance.add_payment"),
        "can_approve": has_store_perm(user, store, "sales.approve_discount"),
        "can_release": has_store_perm(user, store, "sales.release_certificate"),
        "can_deliver": has_store_perm(user, store, "sales.deliver_vehicle"),
        "can_change": has_store_perm(user, store, "sales.change_salesorder"),
        "moves": order.stock_vehicle.certificate_moves.select_related("by__employee")
        if order.stock_vehicle_id else []})


ACTIONS = {
    "confirm": ("sales.change_salesorder", lambda r, o: services.order_confirm(
        actor=r.user, order=o)),
    "approve_discount": ("sales.approve_discount", lambda r, o: services.order_approve_discount(
        actor=r.user, order=o)),
    "allocate": ("sales.change_salesorder", lambda r, o: services.order_allocate(
        actor=r.user, order=o, stock_vehicle=_stock_vehicle(r))),
    "release_certificate": ("sales.release_certificate",
                            lambda r, o: services.order_release_certificate(actor=r.user, order=o)),
    "cancel": ("sales.change_salesorder", lambda r, o: services.order_cancel(
        actor=r.user, order=o, reason=r.POST.get("reason", ""),
        forfeit_deposit=r.POST.get("forfeit") == "on")),
    "pay": ("finance.add_payment", lambda r, o: _pay(r, o)),
}


def _stock_vehicle(request) -> StockVehicle:
    vehicle = StockVehicle.objects.for_store(request.store).filter(
        pk=request.POST.get("stock_vehicle") or 0).first()
    if vehicle is None:
        raise ValidationError({"stock_vehicle": [_("Choose a vehicle.")]})
    return vehicle


def _pay(request, order: SalesOrder) -> None:
    form = PaymentForm(request.POST)
    if not form.is_valid():
        raise ValidationError(form.errors)
    payment = payment_record(actor=request.user, store=request.store, sales_order=order,
                             **form.cleaned_data)
    messages.success(request, _("Receipt %s recorded.") % payment.receipt_number)


@require_POST
@require_store_perm("sales.view_salesorder")
def order_action(request: HttpRequest, pk: int) -> HttpResponse:
    """One button on the order page = one service call; refusals show as messages."""
    order = _order(request, pk)
    refused = run_page_action(request, ACTIONS, order)
    if refused is not None:
        return refused
    return redirect(request.POST.get("next") or reverse("sales:order", args=[order.pk]))


@require_store_perm("sales.deliver_vehicle")
def order_deliver_view(request: HttpRequest, pk: int) -> HttpResponse:
    """交车: checklist, keys, odometer and the customer's signature on the tablet."""
    order = _order(request, pk)
    form = DeliveryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.order_deliver(actor=request.user, order=order, checklist=form.checklist(),
                                   signature=form.cleaned_data["signature"],
                                   keys_count=form.cleaned_data["keys_count"],
                                   mileage=form.cleaned_data["mileage"],
                                   photo=form.cleaned_data.get("photo"))
        except (DomainError, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Delivered. The follow-up calls are scheduled."))
            return redirect("crm:customer", pk=order.customer_id)
    return render(request, "sales/deliver.html", {"order": order, "form": form})


@require_store_perm("finance.add_payment")
def cashier_desk(request: HttpRequest) -> HttpResponse:
    """The cashier's desk moved to finance (one desk for sales orders and repair orders)."""
    return redirect("finance:cashier")


@require_store_perm("sales.change_salessettings")
def sales_settings(request: HttpRequest) -> HttpResponse:
    """The store's follow-up intervals and discount limits."""
    from siwei.crm.services.leads import follow_up_days

    from .services.orders import sales_settings as current
    from .services.settings import sales_settings_save

    settings = current(request.store)
    initial = {"consultant_discount_limit": settings.consultant_discount_limit,
               "manager_discount_limit": settings.manager_discount_limit,
               "o_grade_deposit": settings.o_grade_deposit}
    initial.update({f"interval_{g}": follow_up_days(request.store, g) for g in "OHABC"})
    form = SalesSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sales_settings_save(actor=request.user, store=request.store,
                                intervals=form.intervals(),
                                consultant_discount_limit=data["consultant_discount_limit"],
                                manager_discount_limit=data["manager_discount_limit"],
                                o_grade_deposit=data["o_grade_deposit"])
        except (DomainError, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("sales:settings")
    return render(request, "crm/simple_form.html", {"form": form, "title": _("Sales settings")})
