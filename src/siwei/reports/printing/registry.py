"""The printable documents (FN-8): for each, the permission that opens it in a store, how
its record is loaded (store-scoped, in a bounded number of queries) and how it is drawn.

``render_document(doc, pk, user=, store=, paper=, personal=, extra_ids=)`` is what both the
page view and the API call; it raises ``Http404`` for an unknown document or a record
outside the store, ``PermissionDenied`` without the permission."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from siwei.core.permissions import has_store_perm

from . import documents_parts, documents_sales, documents_service
from .layout import A4_PAPER, RECEIPT_80MM, paper_for

RO_VIEW = "service.view_repairorder"


@dataclass(frozen=True)
class Request:
    """What a document needs to know about the request."""

    user: object
    store: object
    pk: int
    paper: str = ""
    personal: bool = False
    extra_ids: tuple[int, ...] = ()
    layout: str = ""


@dataclass(frozen=True)
class PrintDoc:
    slug: str
    perm: str
    load: Callable[[Request], object]
    draw: Callable[[object, Request], bytes]
    number: Callable[[object], str]


def _repair_order(required: str = ""):
    def load(req: Request):
        from siwei.service.selectors_orders import repair_orders_for

        ro = (repair_orders_for(user=req.user, store=req.store)
              .select_related("store", "contract_approved_by__employee")
              .filter(pk=req.pk).first())
        if ro is None or (required and not getattr(ro, required)):
            raise Http404
        return ro

    return load


def _sales_order(req: Request):
    from siwei.sales.selectors import orders_for

    order = (orders_for(user=req.user, store=req.store)
             .select_related("store", "trim__model", "delivery__by__employee")
             .prefetch_related("lines").filter(pk=req.pk).first())
    if order is None:
        raise Http404
    return order


def _payment(req: Request):
    from siwei.finance.models import Payment

    payment = (Payment.objects.for_store(req.store)
               .select_related("store", "cashier__employee", "sales_order__customer",
                               "repair_order__customer", "repair_order__vehicle")
               .filter(pk=req.pk).first())
    if payment is None:
        raise Http404
    return payment


def _labels(req: Request):
    from siwei.parts.selectors import parts_for_store
    from siwei.parts.views import part_locations

    ids = [req.pk, *[i for i in req.extra_ids if i != req.pk]][:200]
    parts = {p.pk: p for p in parts_for_store(store=req.store).filter(pk__in=ids)}
    if req.pk not in parts:
        raise Http404
    homes = dict(part_locations(req.store, list(parts)))
    return [(parts[i], homes.get(i, "")) for i in ids if i in parts]


def _stocktake(req: Request):
    from siwei.parts.models import Stocktake

    stocktake = Stocktake.objects.for_store(req.store).select_related("store").filter(
        pk=req.pk).first()
    if stocktake is None:
        raise Http404
    stocktake.sheet_lines = list(stocktake.lines.select_related("part", "location", "lot"))
    return stocktake


DOCUMENTS: dict[str, PrintDoc] = {doc.slug: doc for doc in [
    PrintDoc("repair-estimate", RO_VIEW, _repair_order(),
             lambda ro, r: documents_service.repair_estimate_pdf(ro, personal=r.personal),
             lambda ro: ro.number),
    PrintDoc("repair-contract", RO_VIEW, _repair_order(),
             lambda ro, r: documents_service.repair_contract_pdf(ro, personal=r.personal),
             lambda ro: ro.number),
    PrintDoc("repair-bill", RO_VIEW, _repair_order(),
             lambda ro, r: documents_service.repair_bill_pdf(ro, personal=r.personal),
             lambda ro: ro.number),
    PrintDoc("gate-pass", RO_VIEW, _repair_order("gate_pass_number"),
             lambda ro, r: documents_service.gate_pass_pdf(
                 ro, paper=paper_for(r.paper, A4_PAPER), personal=r.personal),
             lambda ro: ro.gate_pass_number),
    PrintDoc("completion-certificate", RO_VIEW, _repair_order("certificate_number"),
             lambda ro, r: documents_service.completion_certificate_pdf(
                 ro, personal=r.personal),
             lambda ro: ro.certificate_number),
    PrintDoc("sales-order", "sales.view_salesorder", _sales_order,
             lambda o, r: documents_sales.sales_order_pdf(
                 o, personal=r.personal, lines=list(o.lines.all())),
             lambda o: o.number),
    PrintDoc("sales-contract", "sales.view_salesorder", _sales_order,
             lambda o, r: documents_sales.sales_contract_pdf(
                 o, personal=r.personal, lines=list(o.lines.all())),
             lambda o: o.number),
    PrintDoc("delivery-checklist", "sales.view_salesorder", _sales_order,
             lambda o, r: documents_sales.delivery_checklist_pdf(o, personal=r.personal),
             lambda o: o.number),
    PrintDoc("receipt", "finance.view_payment", _payment,
             lambda p, r: documents_sales.payment_receipt_pdf(
                 p, paper=paper_for(r.paper, RECEIPT_80MM), personal=r.personal),
             lambda p: p.receipt_number),
    PrintDoc("part-labels", "parts.view_stock", _labels,
             lambda items, r: documents_parts.part_labels_pdf(
                 items, layout="label" if r.layout == "label" else "sheet"),
             lambda items: f"labels-{items[0][0].number}"),
    PrintDoc("stocktake-sheet", "parts.view_stocktake", _stocktake,
             lambda s, r: documents_parts.stocktake_sheet_pdf(s, lines=s.sheet_lines),
             lambda s: s.number),
]}


def render_document(req: Request, slug: str) -> tuple[bytes, str]:
    """The PDF and its file name (the document number)."""
    doc = DOCUMENTS.get(slug)
    if doc is None:
        raise Http404
    if not req.store or not has_store_perm(req.user, req.store, doc.perm):
        raise PermissionDenied
    record = doc.load(req)
    return doc.draw(record, req), f"{doc.number(record)}.pdf"
