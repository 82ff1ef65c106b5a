"""Pages of the parts documents: purchase orders and receiving, stocktakes, transfers."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from siwei.core.errors import DomainError
from siwei.core.exports import xlsx_response
from siwei.core.paging import paginate
from siwei.core.permissions import has_store_perm
from siwei.core.views import require_store_perm

from . import services
from .forms import (
    FoundPartForm,
    PurchaseOrderForm,
    StocktakeForm,
    TransferForm,
    receiving_locations,
)
from .models import Location, Nonconformance, POStatus, PurchaseOrder, Stocktake
from .models.catalog import ISSUABLE_KINDS
from .models.documents import PO_FLOW, STOCKTAKE_FLOW, TRANSFER_FLOW
from .selectors import purchase_orders, stocktakes, transfers_of
from .views import XLSX_ROW_LIMIT, error_message, form_errors, wants_xlsx

ERRORS = (DomainError, ValidationError, PermissionDenied)


@require_store_perm("parts.view_purchaseorder")
def po_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in POStatus.values else ""
    orders = purchase_orders(store=request.store, status=status, q=request.GET.get("q", ""))
    if wants_xlsx(request):
        return xlsx_response("purchase-orders", [(_("Purchase orders"), [
            pgettext("parts", "Number"), _("Supplier"), _("Kind"), _("Status"), _("Created"),
            _("Total")],
            ([o.number, o.supplier.name, o.get_kind_display(), o.get_status_display(),
              o.created_at, o.total] for o in orders[:XLSX_ROW_LIMIT]))])
    return render(request, "parts/po_list.html", {
        "page": paginate(request, orders), "status": status, "statuses": POStatus.choices,
        "can_order": has_store_perm(request.user, request.store, "parts.manage_purchasing")})


@require_store_perm("parts.manage_purchasing")
def po_create(request: HttpRequest) -> HttpResponse:
    form = PurchaseOrderForm(request.POST or None, store=request.store)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = services.purchase_order_create(
                actor=request.user, store=request.store, supplier=data["supplier"],
                lines=data["lines"], kind=data["kind"],
                document_type="service.repairorder" if data["document_id"] else "",
                document_id=data["document_id"], note=data["note"])
        except ERRORS as exc:
            form.add_error(None, error_message(exc))
        else:
            messages.success(request, _("Purchase order %(n)s created.") % {"n": order.number})
            return redirect("parts:po-detail", pk=order.pk)
    return render(request, "parts/po_form.html", {"form": form})


def _decimal(value: str) -> Decimal:
    try:
        return Decimal(value or "0")
    except InvalidOperation:
        raise ValidationError(_("Quantities are numbers.")) from None


@require_store_perm("parts.view_purchaseorder")
def po_detail(request: HttpRequest, pk: int) -> HttpResponse:
    store = request.store
    order = get_object_or_404(PurchaseOrder.objects.for_store(store).select_related("supplier"),
                              pk=pk)
    lines = list(order.lines.select_related("part").order_by("id"))
    if request.method == "POST":
        if not has_store_perm(request.user, store, "parts.receive_stock"):
            return render(request, "403.html", status=403)
        locations = {str(loc.pk): loc for loc in receiving_locations(store)}
        try:
            entries = [services.ReceiptLine(
                line=line, accepted=_decimal(request.POST.get(f"accepted_{line.pk}", "")),
                rejected=_decimal(request.POST.get(f"rejected_{line.pk}", "")),
                location=locations.get(request.POST.get(f"location_{line.pk}", "")),
                batch=request.POST.get(f"batch_{line.pk}", ""),
                reason=request.POST.get(f"reason_{line.pk}", ""),
                photo=request.FILES.get(f"photo_{line.pk}"))
                for line in lines]
            entries = [e for e in entries if e.accepted or e.rejected]
            services.purchase_order_receive(actor=request.user, order=order, lines=entries)
        except ERRORS as exc:
            messages.error(request, error_message(exc))
        else:
            messages.success(request, _("Goods received."))
            return redirect("parts:po-detail", pk=order.pk)
    return render(request, "parts/po_detail.html", {
        "order": order, "lines": lines, "locations": receiving_locations(store),
        "nonconformances": Nonconformance.objects.filter(po_line__order=order)
        .select_related("part").order_by("id"),
        "actions": PO_FLOW.actions_from(order.status),
        "can_receive": has_store_perm(request.user, store, "parts.receive_stock")
        and PO_FLOW.allowed(order.status, "receive_part"),
        "can_order": has_store_perm(request.user, store, "parts.manage_purchasing")})


@require_POST
@require_store_perm("parts.manage_purchasing")
def po_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    order = get_object_or_404(PurchaseOrder.objects.for_store(request.store), pk=pk)
    handlers = {"send": services.purchase_order_send, "close": services.purchase_order_close,
                "cancel": services.purchase_order_cancel}
    try:
        handlers[action](actor=request.user, order=order)
    except KeyError:
        return redirect("parts:po-detail", pk=pk)
    except ERRORS as exc:
        messages.error(request, error_message(exc))
    return redirect("parts:po-detail", pk=pk)


@require_store_perm("parts.view_stocktake")
def stocktake_list(request: HttpRequest) -> HttpResponse:
    store = request.store
    form = StocktakeForm(request.POST or None, store=store)
    if request.method == "POST" and form.is_valid():
        if not has_store_perm(request.user, store, "parts.count_stock"):
            return render(request, "403.html", status=403)
        zone = form.cleaned_data["zone"]
        locations = (list(Location.objects.for_store(store).filter(zone=zone,
                                                                   kind__in=ISSUABLE_KINDS))
                     if zone else None)
        try:
            stocktake = services.stocktake_create(
                actor=request.user, store=store, locations=locations,
                abc_class=form.cleaned_data["abc_class"], note=form.cleaned_data["note"])
        except ERRORS as exc:
            form.add_error(None, error_message(exc))
        else:
            return redirect("parts:stocktake-detail", pk=stocktake.pk)
    due = {cls: services.cycle_count_due(store=store, abc_class=cls) for cls in "ABC"}
    return render(request, "parts/stocktake_list.html", {
        "page": paginate(request, stocktakes(store=store)), "form": form, "due": due})


@require_store_perm("parts.view_stocktake")
def stocktake_detail(request: HttpRequest, pk: int) -> HttpResponse:
    store = request.store
    stocktake = get_object_or_404(Stocktake.objects.for_store(store), pk=pk)
    lines = stocktake.lines.select_related("part", "location", "lot")
    action = request.POST.get("action", "count")
    found_form = FoundPartForm(request.POST if action == "found" else None, stocktake=stocktake)
    if request.method == "POST":
        try:
            if action in {"count", "found"}:
                # The counts typed so far are saved with every post of the sheet.
                counts = {key[6:]: value.strip() for key, value in request.POST.items()
                          if key.startswith("count_") and key[6:].isdigit()}
                if counts or action == "count":
                    services.stocktake_count(actor=request.user, stocktake=stocktake,
                                             counts=counts)
                    messages.success(request, _("Counts saved."))
            if action == "found":
                if found_form.is_valid():
                    try:
                        line = services.stocktake_add_line(actor=request.user,
                                                           stocktake=stocktake,
                                                           **found_form.cleaned_data)
                    except ValidationError as exc:
                        form_errors(found_form, exc)
                    else:
                        messages.success(request,
                                         _("%(part)s added to the count sheet at %(code)s.")
                                         % {"part": line.part.number,
                                            "code": line.location.code})
                        return redirect("parts:stocktake-detail", pk=pk)
            elif action in {"submit", "approve", "cancel", "reopen"}:
                getattr(services, f"stocktake_{action}")(actor=request.user, stocktake=stocktake)
        except ERRORS as exc:
            messages.error(request, error_message(exc))
            return redirect("parts:stocktake-detail", pk=pk)
        if action != "found":
            return redirect("parts:stocktake-detail", pk=pk)
    if wants_xlsx(request):
        return xlsx_response(stocktake.number, [(_("Count sheet"), [
            _("Location"), _("Part number"), _("Part name"), _("Batch number"),
            _("System quantity"), _("Counted quantity"), _("Variance"), _("Variance value")],
            ([li.location.code, li.part.number, li.part.name, li.batch, li.system_quantity,
              li.counted_quantity, li.variance, li.variance_value] for li in lines))])
    rows = list(lines)
    value = sum((li.variance_value for li in rows if li.variance_value), Decimal("0.00"))
    can_count = has_store_perm(request.user, store, "parts.count_stock")
    return render(request, "parts/stocktake_detail.html", {
        "stocktake": stocktake, "lines": rows, "variance_value": value,
        "variances": sum(1 for li in rows if li.variance),
        "actions": STOCKTAKE_FLOW.actions_from(stocktake.status),
        "found_form": found_form if can_count and STOCKTAKE_FLOW.allowed(
            stocktake.status, "count") else None,
        "can_count": can_count,
        "can_approve": has_store_perm(request.user, store, "parts.approve_stocktake")})


@require_store_perm("parts.view_transfer")
def transfer_list(request: HttpRequest) -> HttpResponse:
    store = request.store
    form = TransferForm(request.POST or None, store=store)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.transfer_request(actor=request.user, store=store,
                                      from_store=data["from_store"], note=data["note"],
                                      lines=[{"part": data["part"],
                                              "quantity": data["quantity"]}])
        except ERRORS as exc:
            form.add_error(None, error_message(exc))
        else:
            messages.success(request, _("Transfer requested."))
            return redirect("parts:transfers")
    rows = transfers_of(store=store)
    page = paginate(request, rows)
    for transfer in page:
        transfer.actions = TRANSFER_FLOW.actions_from(transfer.status)
    return render(request, "parts/transfers.html", {
        "page": page, "form": form, "locations": receiving_locations(store)})


@require_POST
@require_store_perm("parts.view_transfer")
def transfer_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    store = request.store
    transfer = get_object_or_404(transfers_of(store=store), pk=pk)
    try:
        if action == "receive":
            location = get_object_or_404(receiving_locations(store),
                                         pk=request.POST.get("location") or 0)
            services.transfer_receive(actor=request.user, transfer=transfer, location=location)
        elif action in {"approve", "ship", "cancel"}:
            getattr(services, f"transfer_{action}")(actor=request.user, transfer=transfer)
    except ERRORS as exc:
        messages.error(request, error_message(exc))
    return redirect("parts:transfers")


