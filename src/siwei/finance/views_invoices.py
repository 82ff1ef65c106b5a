"""Pages of the invoices area (FN-3): list with Excel, detail, issue form, void."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siwei.core.errors import DomainError
from siwei.core.exports import xlsx_response
from siwei.core.paging import paginate
from siwei.core.permissions import has_store_perm
from siwei.core.views import refusal_message, require_store_perm
from siwei.sales.models import SalesOrder
from siwei.service.models import RepairOrder

from . import selectors_invoices as selectors
from .forms_invoices import InvoiceForm, InvoiceLineFormSet, VoidForm
from .models import INVOICE_FLOW, Invoice, InvoiceStatus
from .services.invoices import default_lines, document_total, invoice_issue, invoice_void
from .services.invoices import invoiced_total as invoiced


@require_store_perm("finance.view_invoice")
def invoice_list(request: HttpRequest) -> HttpResponse:
    store = request.store
    status = request.GET.get("status", "")
    status = status if status in InvoiceStatus.values else ""
    q = request.GET.get("q", "").strip()
    invoices = selectors.invoices_for(store=store, status=status or None, q=q)
    if request.GET.get("format") == "xlsx":
        return xlsx_response("invoices", [(_("Invoices"), [
            _("Invoice number"), _("Kind"), _("Issued"), _("Buyer"), _("Buyer tax ID"),
            _("Document"), _("Amount excluding tax"), _("Tax"), _("Total"), _("Status"),
            _("Void reason")], (
            [i.number, i.get_kind_display(), i.issued_at, i.buyer_name, i.buyer_tax_id,
             str(i.source or ""), i.amount_net, i.tax, i.total, i.get_status_display(),
             i.void_reason] for i in invoices))])
    return render(request, "finance/invoices/list.html", {
        "page": paginate(request, invoices), "status": status, "q": q,
        "statuses": InvoiceStatus.choices,
        "can_add": has_store_perm(request.user, store, "finance.add_invoice")})


def _invoice(request, pk: int) -> Invoice:
    invoice = Invoice.objects.for_store(request.store).filter(pk=pk).select_related(
        "sales_order", "repair_order").first()
    if invoice is None:
        raise Http404
    return invoice


@require_store_perm("finance.view_invoice")
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice(request, pk)
    can_void = (has_store_perm(request.user, request.store, "finance.void_invoice")
                and INVOICE_FLOW.allowed(invoice.status, "void"))
    return render(request, "finance/invoices/detail.html", {
        "invoice": invoice, "lines": invoice.lines.all(),
        "void_form": VoidForm() if can_void else None})


def _source(request):
    """The sales order or repair order named by ``?sales_order=`` / ``?repair_order=``."""
    for field, model in (("sales_order", SalesOrder), ("repair_order", RepairOrder)):
        value = request.GET.get(field) or request.POST.get(field)
        if value and str(value).isdigit():
            document = model.objects.for_store(request.store).filter(pk=int(value)).first()
            if document is None:
                raise Http404
            return field, document
    return None, None


@require_store_perm("finance.add_invoice")
def invoice_new(request: HttpRequest) -> HttpResponse:
    """Record an invoice; from a document its buyer and lines are proposed."""
    field, document = _source(request)
    if request.method == "POST":
        form = InvoiceForm(request.POST)
        lines = InvoiceLineFormSet(request.POST, prefix="lines")
        if form.is_valid() and lines.is_valid():
            rows = [line for line in (f.line() for f in lines) if line is not None]
            try:
                invoice = invoice_issue(actor=request.user, store=request.store,
                                        lines=rows or None,
                                        **({field: document} if document else {}),
                                        **form.cleaned_data)
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            except (DomainError, PermissionDenied) as exc:
                form.add_error(None, refusal_message(exc))
            else:
                messages.success(request, _("Invoice %s recorded.") % invoice.number)
                return redirect("finance:invoice", pk=invoice.pk)
    else:
        initial = {}
        rows = []
        if document is not None:
            initial = {"buyer_name": document.customer.name,
                       "buyer_tax_id": document.customer.credit_code}
            rows = [{"description": line.description, "quantity": line.quantity,
                     "unit_price": line.unit_price} for line in default_lines(document)]
        form = InvoiceForm(initial=initial)
        rows += [{}] * max(1, 3 - len(rows))
        lines = InvoiceLineFormSet(prefix="lines", initial=rows)
    context = {"form": form, "lines": lines, "field": field, "document": document,
               "tax_rate": request.store.tax_rate * 100}
    if document is not None:
        context.update(limit=document_total(document), invoiced=invoiced(document))
    return render(request, "finance/invoices/form.html", context)


@require_POST
@require_store_perm("finance.void_invoice")
def invoice_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice(request, pk)
    form = VoidForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        invoice_void(actor=request.user, invoice=invoice, reason=form.cleaned_data["reason"])
        messages.success(request, _("Invoice %s is void.") % invoice.number)
    except (DomainError, ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal_message(exc))
    return redirect("finance:invoice", pk=invoice.pk)
