"""Survey results page (CR-4): CSI and NPS per store, SA, consultant, technician and month,
loyalty items, trend charts and Excel."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.clock import add_months
from siwei.core.exports import xlsx_response
from siwei.core.permissions import has_store_perm
from siwei.core.scoping import user_stores
from siwei.core.views import require_store_perm

from .selectors_surveys import survey_results

PERM = "care.view_surveyresponse"


def _period(request) -> tuple[dt.date, dt.date]:
    """``?from=&to=``; by default the last twelve months up to today."""
    today = clock.today()
    default_start = add_months(today.replace(day=1), -11)

    def read(name: str, default: dt.date) -> dt.date:
        try:
            return dt.date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return default

    start, end = read("from", default_start), read("to", today)
    return (start, end) if start <= end else (end, start)


def _num(value) -> float | None:
    return float(value) if value is not None else None


def _chart(result: dict, title_csi: str, title_nps: str) -> dict:
    series = []
    for bucket in result["stores"]:
        months = result["monthly"][bucket.key]
        series.append({"name": f"{bucket.label} CSI", "type": "line", "connectNulls": True,
                       "data": [_num(m.csi) for m in months]})
        series.append({"name": f"{bucket.label} NPS", "type": "line", "yAxisIndex": 1,
                       "lineStyle": {"type": "dashed"}, "connectNulls": True,
                       "data": [_num(m.nps) for m in months]})
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [s["name"] for s in series]},
        "xAxis": {"type": "category", "data": result["months"]},
        "yAxis": [{"type": "value", "name": title_csi, "min": 0, "max": 100},
                  {"type": "value", "name": title_nps, "min": -100, "max": 100}],
        "series": series,
    }


def _row(bucket, loyalty: bool = True) -> list:
    row = [bucket.label, bucket.n, bucket.csi, bucket.nps, len(bucket.nps_scores),
           bucket.promoters, bucket.detractors]
    return row + (bucket.loyalty_values if loyalty else [])


@require_store_perm(PERM)
def survey_results_page(request: HttpRequest) -> HttpResponse:
    store = request.store
    stores = [s for s in user_stores(request.user) if has_store_perm(request.user, s, PERM)]
    if store not in stores:
        stores = [store, *stores]
    start, end = _period(request)
    result = survey_results(store=store, stores=stores, start=start, end=end)
    loyalty_labels = [str(label) for _code, label in result["loyalty_measures"]]
    head = [_("Responses"), _("CSI"), _("NPS"), _("NPS answers"), _("Promoters"),
            _("Detractors")]
    if request.GET.get("format") == "xlsx":
        months = [[f"{b.label} {m.label}", m.n, m.csi, m.nps, len(m.nps_scores), m.promoters,
                   m.detractors] for b in result["stores"] for m in result["monthly"][b.key]]
        return xlsx_response(f"survey-results-{store.code}-{start:%Y%m%d}-{end:%Y%m%d}", [
            (_("Stores"), [_("Store"), *head, *loyalty_labels],
             [_row(b) for b in result["stores"]]),
            (_("Months"), [_("Month"), *head], months),
            (_("Service advisors"), [_("Service advisor"), *head],
             [_row(b, False) for b in result["advisors"]]),
            (_("Consultants"), [_("Sales consultant"), *head],
             [_row(b, False) for b in result["consultants"]]),
            (_("Technicians"), [_("Technician"), *head],
             [_row(b, False) for b in result["technicians"]]),
        ])
    query = request.GET.copy()
    query.pop("format", None)
    return render(request, "care/surveys/results.html", {
        "result": result, "months": result["monthly"][store.pk],
        "chart": _chart(result, _("CSI"), _("NPS")),
        "query": query.urlencode(), "start": start, "end": end,
        "loyalty_labels": loyalty_labels, "compare": len(stores) > 1})
