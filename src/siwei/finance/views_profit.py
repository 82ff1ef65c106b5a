"""Pages of the profit area (FN-5): the store's overhead month by month, with the
service absorption of each month; the department profit report is the catalogue's."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.clock import add_months
from siwei.core.errors import DomainError
from siwei.core.permissions import has_store_perm
from siwei.core.views import refusal_message, require_store_perm

from .forms_profit import OverheadForm
from .report_catalog_profit import PERMISSION as PROFIT_PERMISSION
from .selectors_profit import department_profit, recent_overheads
from .services.profit import PERMISSION as CHANGE_PERMISSION
from .services.profit import overhead_set

MONTHS = 12


@require_store_perm("finance.view_monthlyoverhead")
def overheads(request: HttpRequest) -> HttpResponse:
    """The last twelve months: overhead entered, after-sales gross profit and absorption."""
    store, today = request.store, clock.today()
    can_change = has_store_perm(request.user, store, CHANGE_PERMISSION)
    form = OverheadForm(request.POST or None, initial={"month": today.replace(day=1)}) \
        if can_change else None
    if request.method == "POST":
        if form is None:
            return render(request, "403.html", status=403)
        if form.is_valid():
            try:
                overhead_set(actor=request.user, store=store, **form.cleaned_data)
            except (DomainError, ValidationError) as exc:
                form.add_error(None, refusal_message(exc))
            else:
                messages.success(request, _("Overhead saved."))
                return redirect("finance:overheads")
    first = add_months(today.replace(day=1), -(MONTHS - 1))
    profit = department_profit(store=store, start=first, end=today)
    by_month = {row["month"]: row for row in profit["months"]}
    return render(request, "finance/profit/overheads.html", {
        "months": [{**entry, "profit": by_month.get(entry["month"])}
                   for entry in recent_overheads(store=store, today=today, months=MONTHS)],
        "form": form,
        "can_see_profit": has_store_perm(request.user, store, PROFIT_PERMISSION),
        "report_url": reverse("reports:report", args=["department-profit"]),
        "year_start": today.replace(month=1, day=1)})


@require_store_perm(PROFIT_PERMISSION)
def profit(request: HttpRequest) -> HttpResponse:
    """The menu's way to the department profit report."""
    return redirect("reports:report", key="department-profit")
