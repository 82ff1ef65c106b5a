"""Pages of the managers' KPIs (FN-6): the month's targets of every KPI, entered at once;
the KPIs against them are the catalogue's report ``kpis``."""

from __future__ import annotations

import datetime as dt

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

from ..report_catalog import KPI_PERMISSION
from .definitions import KPIS
from .forms import KpiTargetsForm
from .selectors import SOURCES, month_targets
from .services import PERMISSION as CHANGE_PERMISSION
from .services import kpi_targets_set


def _month(request: HttpRequest, default: dt.date) -> dt.date:
    """``?month=YYYY-MM``, else the month of ``?from=`` (the report's period), else the
    default."""
    for name, pattern in (("month", "%Y-%m"), ("from", "%Y-%m-%d")):
        try:
            return dt.datetime.strptime(request.GET.get(name) or "", pattern).date() \
                .replace(day=1)
        except ValueError:
            continue
    return default


@require_store_perm("reports.view_kpitarget")
def kpi_targets(request: HttpRequest) -> HttpResponse:
    """The targets of one month (this month by default) for every KPI;
    a KPI left empty has no target of its own (the sales target or the department's
    standard, where there is one, stands in)."""
    store = request.store
    month = _month(request, clock.today().replace(day=1))
    can_change = has_store_perm(request.user, store, CHANGE_PERMISSION)
    targets = month_targets(store=store, months=[month])
    if request.method == "POST":
        if not can_change:
            return render(request, "403.html", status=403)
        form = KpiTargetsForm(request.POST)
        if form.is_valid():
            month = form.cleaned_data["month"].replace(day=1)
            try:
                kpi_targets_set(actor=request.user, store=store, month=month,
                                values=form.target_values())
            except ValidationError as exc:
                form.add_error(None, exc)
            except DomainError as exc:
                form.add_error(None, refusal_message(exc))
            else:
                messages.success(request, _("Targets saved."))
                return redirect(f"{reverse('reports:kpi-targets')}?month={month:%Y-%m}")
        status = 400
    else:
        initial = {"month": month, **{code: value for (code, _m), (value, source)
                                      in targets.items() if source == "entered"}}
        form = KpiTargetsForm(initial=initial, disabled=not can_change)
        status = 200
    rows = []
    for kpi in KPIS:
        fallback = targets.get((kpi.code, month))
        rows.append({"kpi": kpi, "field": form[kpi.code],
                     "fallback": fallback[0] if fallback and fallback[1] != "entered" else None,
                     "fallback_source": SOURCES[fallback[1]] if fallback else ""})
    return render(request, "reports/kpis/targets.html", {
        "form": form, "rows": rows, "month": month, "can_change": can_change,
        "previous": add_months(month, -1), "next": add_months(month, 1),
        "can_see_report": has_store_perm(request.user, store, KPI_PERMISSION),
        "report_url": reverse("reports:report", args=["kpis"]),
    }, status=status)


@require_store_perm(KPI_PERMISSION)
def kpis(request: HttpRequest) -> HttpResponse:
    """The menu's way to the KPI report."""
    return redirect("reports:report", key="kpis")
