"""Pages of the cashier desk (FN-1): what is waiting for money, taking a payment once,
the receipt, today's payments, refund requests and their approval."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siwei.core import clock
from siwei.core.errors import DomainError
from siwei.core.once import run_once
from siwei.core.paging import paginate
from siwei.core.permissions import has_store_perm
from siwei.core.views import refusal_message, require_store_perm
from siwei.crm.views import form_errors

from . import selectors_cashier as selectors
from .forms_cashier import CashierPaymentForm, DecisionForm, RefundRequestForm
from .models import Payment, RefundRequest, RefundStatus
from .services import payment_record, refund_approve, refund_reject, refund_request_create

ADD = "finance.add_payment"


@require_store_perm(ADD)
def desk(request: HttpRequest) -> HttpResponse:
    """收银台: find the order to be paid (number, plate, name or mobile); my day."""
    store, query = request.store, request.GET.get("q", "").strip()
    today = clock.today()
    return render(request, "finance/cashier/desk.html", {
        "query": query,
        "sales_orders": list(selectors.open_sales_orders(store=store, query=query)[:30]),
        "repair_orders": list(selectors.open_repair_orders(store=store, query=query)[:30]),
        "day": selectors.cashier_day(store=store, cashier=request.user, day=today),
        "payments": list(selectors.cashier_payments(store=store, cashier=request.user,
                                                    day=today)),
        "my_refunds": list(selectors.refund_requests(store=store).filter(
            requested_by=request.user, status=RefundStatus.PENDING)),
        "can_close": has_store_perm(request.user, store, "finance.add_dailyclose"),
        "can_refund": has_store_perm(request.user, store, "finance.add_refundrequest")})


def _order(request, kind: str, pk: int):
    """The sales order or repair order to be paid, of the active store."""
    if kind == "sales":
        from siwei.sales.models import SalesOrder as Model
    elif kind == "repair":
        from siwei.service.models import RepairOrder as Model
    else:
        raise Http404
    order = Model.objects.for_store(request.store).select_related("customer").filter(
        pk=pk).first()
    if order is None:
        raise Http404
    order.due = (order.total if kind == "sales" else order.customer_total) - order.paid
    return order


def _corrects(request, order, kind: str) -> Payment | None:
    """The receipt a correction refers to (``?corrects=<id>``), of the same order."""
    pk = request.GET.get("corrects") or request.POST.get("corrects")
    if not pk or not str(pk).isdigit():
        return None
    field = "sales_order" if kind == "sales" else "repair_order"
    return Payment.objects.for_store(request.store).filter(pk=pk, **{field: order}).first()


@require_store_perm(ADD)
def pay(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Take a payment for one order. The form's one-time token records it once."""
    order = _order(request, kind, pk)
    corrects = _corrects(request, order, kind)
    form = CashierPaymentForm(request.POST or None,
                              initial={"amount": order.due if order.due > 0 else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made, replayed = run_once(request, token=data["token"], scope="pay",
                                      action=lambda: payment_record(
                actor=request.user, store=request.store, amount=data["amount"],
                method=data["method"], reference=data["reference"], note=data["note"],
                corrects=corrects, **{"sales_order" if kind == "sales" else "repair_order":
                                      order}).pk)
        except (DomainError, ValidationError) as exc:
            form_errors(form, exc)
        else:
            if made is None:
                return redirect("finance:cashier")
            payment = Payment.objects.get(pk=made)
            if replayed:
                messages.info(request, _("Receipt %s was already recorded.")
                              % payment.receipt_number)
            else:
                messages.success(request, _("Receipt %s recorded.") % payment.receipt_number)
            return redirect("finance:cashier-receipt", pk=made)
    return render(request, "finance/cashier/pay.html", {
        "order": order, "kind": kind, "form": form, "corrects": corrects,
        "payments": order.payments.select_related("cashier__employee").order_by("at")})


@require_store_perm("finance.view_payment")
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """收据: a print-friendly page of one payment (A4 or 80 mm)."""
    payment = (Payment.objects.for_store(request.store)
               .select_related("store", "sales_order__customer", "repair_order__customer",
                               "repair_order__vehicle", "cashier__employee",
                               "approved_by__employee", "corrects").filter(pk=pk).first())
    if payment is None:
        raise Http404
    return render(request, "finance/cashier/receipt.html", {
        "payment": payment, "order": payment.sales_order or payment.repair_order,
        "narrow": request.GET.get("paper") == "80mm",
        "can_pay": has_store_perm(request.user, request.store, ADD)})


@require_store_perm("finance.add_refundrequest")
def refund_new(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Ask a manager to approve a refund (FN-1); nothing is paid back before approval."""
    order = _order(request, kind, pk)
    corrects = _corrects(request, order, kind)
    form = RefundRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run_once(request, token=data["token"], scope="refund", action=lambda:
                     refund_request_create(
                         actor=request.user, store=request.store, amount=data["amount"],
                         method=data["method"], reason=data["reason"],
                         reference=data["reference"], corrects=corrects,
                         **{"sales_order" if kind == "sales" else "repair_order": order}).pk)
        except (DomainError, ValidationError) as exc:
            form_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, refusal_message(exc))
        else:
            messages.success(request, _("Refund request sent to the manager."))
            return redirect("finance:cashier")
    return render(request, "finance/cashier/refund_form.html", {
        "order": order, "kind": kind, "form": form, "corrects": corrects})


@require_store_perm("finance.view_refundrequest")
def refunds(request: HttpRequest) -> HttpResponse:
    """Refund requests; managers approve or reject the pending ones."""
    status = request.GET.get("status", RefundStatus.PENDING)
    if status not in RefundStatus.values and status != "all":
        status = RefundStatus.PENDING
    requests = selectors.refund_requests(store=request.store,
                                         status="" if status == "all" else status)
    return render(request, "finance/cashier/refunds.html", {
        "page": paginate(request, requests), "status": status,
        "statuses": RefundStatus.choices, "decision_form": DecisionForm(),
        "can_decide": has_store_perm(request.user, request.store, "finance.approve_refund")})


@require_POST
@require_store_perm("finance.approve_refund")
def refund_decide(request: HttpRequest, pk: int) -> HttpResponse:
    refund = RefundRequest.objects.for_store(request.store).filter(pk=pk).first()
    if refund is None:
        raise Http404
    note, decision = request.POST.get("note", ""), request.POST.get("decision")
    try:
        if decision == "approve":
            refund = refund_approve(actor=request.user, request=refund, note=note)
            messages.success(request, _("Refund approved: receipt %s.")
                             % refund.payment.receipt_number)
        elif decision == "reject":
            refund_reject(actor=request.user, request=refund, note=note)
            messages.success(request, _("Refund rejected."))
        else:
            raise Http404
    except (DomainError, ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal_message(exc))
    return redirect("finance:refunds")
