"""Pages of the parts clerk and manager: stock lookup, part card, labels, issue queue,
ledger and batch trace. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from siwei.core.errors import DomainError
from siwei.core.exports import xlsx_response
from siwei.core.paging import paginate
from siwei.core.permissions import has_store_perm
from siwei.core.views import require_store_perm

from . import services
from .forms import StockRequestForm
from .models import Location, MoveKind, StockRequest
from .selectors import (
    batch_trace,
    issue_queue,
    other_stores_available,
    part_stock,
    parts_for_store,
    stock_moves,
)

XLSX_ROW_LIMIT = 50_000


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


def error_message(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        return str(exc.message)
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def form_errors(form, exc: Exception) -> None:
    """Show a service's refusal on the form: field errors at their fields, the rest
    (business rules, permission) above the form."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error_message(exc))


@require_store_perm("parts.view_stock")
def stock(request: HttpRequest) -> HttpResponse:
    """Stock lookup by number, name, pinyin or location; other stores when short."""
    store, q = request.store, request.GET.get("q", "").strip()
    location = None
    if request.GET.get("location"):
        location = Location.objects.for_store(store).filter(
            code=request.GET["location"].strip().upper()).first()
    parts = parts_for_store(store=store, q=q, location=location,
                            in_stock=request.GET.get("in_stock") == "1")
    if wants_xlsx(request):
        return xlsx_response("stock", [(_("Stock"), [
            _("Part number"), _("Part name"), pgettext("parts", "Category"), _("Unit"),
            _("On hand"), _("Reserved"), _("Available"), _("Moving average cost"),
            _("Retail price"), _("ABC class")],
            ([p.number, p.name, p.category, p.unit, p.on_hand, p.reserved, p.available,
              p.average_cost, p.list_price, p.abc_class or ""]
             for p in parts[:XLSX_ROW_LIMIT]))])
    page = paginate(request, parts)
    short = [p.pk for p in page if p.available <= 0]
    others = other_stores_available(store=store, part_ids=short) if short else {}
    for part in page:
        part.elsewhere = others.get(part.pk, [])
    return render(request, "parts/stock.html", {
        "page": page, "q": q, "location": location,
        "location_code": request.GET.get("location", ""),
        "can_add_part": has_store_perm(request.user, store, "parts.add_part")})


@require_store_perm("parts.view_stock")
def part_detail(request: HttpRequest, pk: int) -> HttpResponse:
    store = request.store
    part = get_object_or_404(parts_for_store(store=store).select_related("superseded_by"),
                             pk=pk)
    can_see_ledger = has_store_perm(request.user, store, "parts.view_stockmove")
    return render(request, "parts/part_detail.html", {
        "part": part, "rows": part_stock(store=store, part=part),
        "can_edit": has_store_perm(request.user, store, "parts.change_part"),
        "others": other_stores_available(store=store, part_ids=[part.pk]).get(part.pk, []),
        "moves": stock_moves(store=store, part=part)[:20] if can_see_ledger else None,
    })


def qr_svg(text: str) -> str:
    import segno

    return segno.make(text, error="m").svg_inline(scale=3, border=1)


@require_store_perm("parts.view_stock")
def labels(request: HttpRequest) -> HttpResponse:
    """Printable part labels with a QR code of the part number (and location)."""
    store = request.store
    ids = [int(i) for i in request.GET.getlist("part") if i.isdigit()][:200]
    parts = parts_for_store(store=store).filter(pk__in=ids) if ids else \
        parts_for_store(store=store, q=request.GET.get("q", ""))[:60]
    homes = dict(part_locations(store, [p.pk for p in parts]))
    items = [{"part": p, "location": homes.get(p.pk, ""),
              "qr": mark_safe(qr_svg(f"{p.number}|{homes.get(p.pk, '')}"))}  # noqa: S308
             for p in parts]
    return render(request, "parts/labels.html", {"items": items})


def part_locations(store, part_ids):
    from .models import PartStore

    return (PartStore.objects.for_store(store).filter(part_id__in=part_ids,
                                                      default_location__isnull=False)
            .values_list("part_id", "default_location__code"))


@require_store_perm("parts.view_stockrequest")
def queue(request: HttpRequest) -> HttpResponse:
    """PT-10 issue queue: requests waiting, issued in one click (FIFO)."""
    store = request.store
    form = StockRequestForm(request.POST or None, store=store)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.stock_request_create(
                actor=request.user, store=store, part=data["part"],
                quantity=data["quantity"], document_type="service.repairorder",
                document_id=data["document_id"],
                document_line_id=data["document_line_id"])
        except (DomainError, ValidationError, PermissionDenied) as exc:
            messages.error(request, error_message(exc))
        else:
            messages.success(request, _("Request recorded."))
            return redirect("parts:queue")
    rows = issue_queue(store=store)
    if wants_xlsx(request):
        return xlsx_response("issue-queue", [(_("Issue queue"), [
            pgettext("parts", "Number"), _("Requested"), _("Part number"), _("Part name"),
            _("Requested quantity"), _("Issued quantity"), _("Available"), _("Document")],
            ([r.number, r.requested_at, r.part.number, r.part.name, r.quantity, r.issued,
              r.available, r.reference] for r in rows[:XLSX_ROW_LIMIT]))])
    return render(request, "parts/queue.html", {
        "page": paginate(request, rows), "form": form,
        "can_issue": has_store_perm(request.user, store, "parts.issue_stock"),
        "can_request": has_store_perm(request.user, store, "parts.request_parts")})


@require_POST
@require_store_perm("parts.issue_stock")
def queue_issue(request: HttpRequest, pk: int) -> HttpResponse:
    stock_request = get_object_or_404(StockRequest.objects.for_store(request.store), pk=pk)
    try:
        moves = services.stock_request_issue(actor=request.user, request=stock_request)
    except (DomainError, ValidationError) as exc:
        messages.error(request, error_message(exc))
    else:
        where = ", ".join(f"{m.location.code} ×{-m.quantity:g}" for m in moves)
        messages.success(request, _("Issued %(part)s from %(where)s.")
                         % {"part": stock_request.part.number, "where": where})
    return redirect("parts:queue")


@require_POST
@require_store_perm("parts.request_parts")
def queue_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    stock_request = get_object_or_404(StockRequest.objects.for_store(request.store), pk=pk)
    try:
        services.stock_request_cancel(actor=request.user, request=stock_request)
    except DomainError as exc:
        messages.error(request, error_message(exc))
    return redirect("parts:queue")


@require_store_perm("parts.view_stockmove")
def moves(request: HttpRequest) -> HttpResponse:
    """The ledger, filtered by kind, document or batch (PT-6 batch trace)."""
    store = request.store
    batch = request.GET.get("batch", "").strip()
    kind = request.GET.get("kind", "")
    kind = kind if kind in MoveKind.values else ""
    rows = (batch_trace(stores=[store], batch=batch) if batch else
            stock_moves(store=store, kind=kind, document_id=request.GET.get("document", "")))
    if wants_xlsx(request):
        return xlsx_response("stock-moves", [(_("Stock moves"), [
            _("Time"), _("Type"), _("Part number"), _("Part name"), _("Location"),
            _("Batch number"), _("Quantity"), _("Unit cost"), _("Document")],
            ([m.created_at, m.get_kind_display(), m.part.number, m.part.name, m.location.code,
              m.lot.batch, m.quantity, m.unit_cost, m.reference]
             for m in rows[:XLSX_ROW_LIMIT]))])
    return render(request, "parts/moves.html", {"page": paginate(request, rows),
                                                "batch": batch, "kind": kind,
                                                "kinds": MoveKind.choices})
