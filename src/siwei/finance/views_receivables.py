"""Pages of the receivables area (FN-4): aging by debtor (its Excel is the report
catalogue's), one debtor's open items with a receipt matched to them, an item with its
receipts, credit accounts."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siwei.core import clock
from siwei.core.errors import DomainError
from siwei.core.permissions import has_store_perm
from siwei.core.reporting import download_redirect
from siwei.core.views import refusal_message, require_store_perm
from siwei.service.models import RepairOrder

from . import selectors_receivables as selectors
from .forms_receivables import ChargeForm, CreditAccountForm, ItemReceiptForm, ReceiptForm
from .models import CreditAccount, DebtorKind, Receivable
from .services.receivables import (
    credit_account_set,
    receivable_charge_to_account,
    receivable_receipt_record,
    receivables_sync,
)

REFUSALS = (DomainError, ValidationError, PermissionDenied)


def _bucket_headers() -> list[str]:
    return [_("0–30 days"), _("31–60 days"), _("61–90 days"), _("Over 90 days")]


@require_store_perm("finance.view_receivable")
def aging(request: HttpRequest) -> HttpResponse:
    """Open amounts by debtor and aging bucket (days past the due date)."""
    store, today = request.store, clock.today()
    kind = request.GET.get("kind", "")
    kind = kind if kind in DebtorKind.values else ""
    if request.GET.get("format") == "xlsx":  # the report catalogue's, at today
        return download_redirect("receivables-aging", store=store, start=today, end=today)
    rows = selectors.aging_by_debtor(store=store, today=today, kind=kind or None)
    return render(request, "finance/receivables/aging.html", {
        "rows": rows, "totals": selectors.aging_totals(store=store, today=today),
        "kind": kind, "kinds": DebtorKind.choices, "today": today,
        "bucket_headers": _bucket_headers(),
        "can_add": has_store_perm(request.user, store, "finance.add_receivable")})


@require_POST
@require_store_perm("finance.add_receivable")
def sync(request: HttpRequest) -> HttpResponse:
    created = receivables_sync(store=request.store, actor=request.user)
    messages.success(request, _("%d new receivables.") % created)
    return redirect("finance:receivables")


def _matches(request, items) -> list[tuple[Receivable, Decimal]]:
    """The amounts typed against each item (``match_<id>``)."""
    matches = []
    for item in items:
        raw = (request.POST.get(f"match_{item.pk}") or "").strip()
        if not raw:
            continue
        try:
            matches.append((item, Decimal(raw)))
        except InvalidOperation:
            raise ValidationError({"matches": [_("Enter amounts.")]}) from None
    return matches


@require_store_perm("finance.view_receivable")
def debtor(request: HttpRequest) -> HttpResponse:
    """One debtor's open items; record a receipt and match it to them."""
    kind, name = request.GET.get("kind", ""), request.GET.get("name", "")
    if kind not in DebtorKind.values or not name:
        raise Http404
    items = list(selectors.items_for(store=request.store, kind=kind, name=name))
    can_receive = has_store_perm(request.user, request.store, "finance.add_receivablereceipt")
    form = ReceiptForm(request.POST or None)
    if request.method == "POST":
        if not can_receive:
            return render(request, "403.html", status=403)
        if form.is_valid():
            try:
                receipt = receivable_receipt_record(
                    actor=request.user, store=request.store, matches=_matches(request, items),
                    **form.cleaned_data)
            except REFUSALS as exc:
                form.add_error(None, refusal_message(exc))
            else:
                messages.success(request, _("Receipt %s recorded.") % receipt.number)
                return redirect(reverse("finance:receivable-debtor") + "?"
                                + urlencode({"kind": kind, "name": name}))
    today = clock.today()
    return render(request, "finance/receivables/debtor.html", {
        "kind": kind, "kind_label": DebtorKind(kind).label, "name": name,
        "items": [(i, max(0, (today - i.due_date).days)) for i in items],
        "open_total": sum((i.open_amount for i in items), Decimal(0)),
        "form": form if can_receive else None, "posted": request.POST})


def _item(request, pk: int) -> Receivable:
    item = selectors.items_for(store=request.store, open_only=False).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


@require_store_perm("finance.view_receivable")
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An item with the receipts matched to it; record one more."""
    item = _item(request, pk)
    can_receive = (item.is_open and has_store_perm(request.user, request.store,
                                                   "finance.add_receivablereceipt"))
    form = ItemReceiptForm(request.POST or None, initial={"amount": item.open_amount})
    if request.method == "POST":
        if not can_receive:
            return render(request, "403.html", status=403)
        if form.is_valid():
            data = dict(form.cleaned_data)
            matched = data.pop("matched") or data["amount"]
            try:
                receivable_receipt_record(actor=request.user, store=request.store,
                                          matches=[(item, matched)], **data)
            except REFUSALS as exc:
                form.add_error(None, refusal_message(exc))
            else:
                messages.success(request, _("Receipt recorded."))
                return redirect("finance:receivable", pk=item.pk)
    return render(request, "finance/receivables/item.html", {
        "item": item, "receipts": selectors.receipts_of(item),
        "bucket": selectors.aging_bucket(item.due_date, clock.today()),
        "form": form if can_receive else None})


@require_store_perm("finance.view_creditaccount")
def credit_accounts(request: HttpRequest) -> HttpResponse:
    """Company customers on credit: limit, terms, what they owe; open or change an
    account; charge a settled repair order to an account."""
    store = request.store
    can_change = has_store_perm(request.user, store, "finance.change_creditaccount")
    can_charge = has_store_perm(request.user, store, "finance.add_receivable")
    form = CreditAccountForm(request.POST or None, store=store) if can_change else None
    if request.method == "POST":
        if form is None:
            return render(request, "403.html", status=403)
        if form.is_valid():
            try:
                credit_account_set(actor=request.user, **form.cleaned_data)
            except REFUSALS as exc:
                form.add_error(None, refusal_message(exc))
            else:
                messages.success(request, _("Credit account saved."))
                return redirect("finance:credit-accounts")
    accounts = selectors.accounts_with_use(
        CreditAccount.objects.for_store(store).select_related("customer"))
    return render(request, "finance/receivables/credit.html", {
        "accounts": [(a, a.used, a.available) for a in accounts],
        "form": form, "charge_form": ChargeForm() if can_charge else None})


@require_POST
@require_store_perm("finance.add_receivable")
def charge(request: HttpRequest) -> HttpResponse:
    """Charge a settled repair order to its customer's credit account (挂账)."""
    form = ChargeForm(request.POST)
    number = form.data.get("repair_order", "").strip()
    ro = RepairOrder.objects.for_store(request.store).filter(number=number).first()
    if ro is None:
        messages.error(request, _("No repair order %s in this store.") % number)
        return redirect("finance:credit-accounts")
    try:
        item = receivable_charge_to_account(actor=request.user, repair_order=ro)
    except REFUSALS as exc:
        messages.error(request, refusal_message(exc))
        return redirect("finance:credit-accounts")
    messages.success(request, _("%(ro)s charged to %(c)s.") % {"ro": ro.number,
                                                              "c": item.debtor_name})
    return redirect("finance:receivable", pk=item.pk)
