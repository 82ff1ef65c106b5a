"""The Service KPIs page: the figures of service.md ("Service KPIs") for a period, one
store or every store the user may see side by side, with charts and an Excel download.
The figures come from ``selectors_kpis``; the appointment, workshop and quality pages
keep their details (linked from here)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from siwei.core.permissions import has_store_perm
from siwei.core.reporting import download_redirect
from siwei.core.scoping import user_stores
from siwei.core.views import require_store_perm

from . import selectors_kpis as selectors
from .charts_kpis import ALERTS, ROWS, category_chart, labour_chart, trend_chart
from .forms_kpis import ServiceKpiForm
from .models import ROCategory

PERM_KPIS = "service.view_service_kpis"
TREND_MONTHS = 12

def kpi_stores(user) -> list:
    """The stores whose KPIs the user may see."""
    return [s for s in user_stores(user) if has_store_perm(user, s, PERM_KPIS)]


def show(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "pct":
        return f"{value}%"
    return str(value)


@require_store_perm(PERM_KPIS)
def service_kpis(request: HttpRequest) -> HttpResponse:
    """SV KPIs of the period for the chosen store(s); ``?format=xlsx`` downloads them."""
    form = ServiceKpiForm(request.GET or None, stores=kpi_stores(request.user),
                          active=request.store)
    period = form.period()
    stores = form.stores()
    result = selectors.service_kpis(stores=stores, period=period)
    trend = selectors.monthly_trend(stores=stores, months=TREND_MONTHS, end=period.end)
    several = len(stores) > 1
    columns = [*result["columns"], result["total"]] if several else result["columns"]
    table = [{"key": key, "label": label,
              "cells": [{"text": show(c[key], kind), "value": c[key],
                         "alert": key in ALERTS and not c[ALERTS[key]]} for c in columns]}
             for key, label, kind in ROWS]
    categories = [{"label": label, "cells": [c["categories"].get(value, 0) for c in columns]}
                  for value, label in ROCategory.choices]
    if request.GET.get("format") == "xlsx":
        return _download(stores, period)
    query = urlencode({"start": period.start, "end": period.end,
                       "store": form.cleaned_data.get("store", "") if form.is_bound
                       and form.is_valid() else form.default_store()})
    return render(request, "service/kpis/page.html", {
        "form": form, "result": result, "table": table, "categories": categories,
        "several": several, "trend": trend, "query": query,
        "trend_chart": trend_chart(trend), "labour_chart": labour_chart(trend),
        "category_chart": category_chart(result)})


def _download(stores: list, period) -> HttpResponse:
    """The Excel download is the report catalogue's: one store, or the stores side by side."""
    return download_redirect("service-kpis", store=stores[0] if len(stores) == 1 else None,
                             start=period.start, end=period.end)
