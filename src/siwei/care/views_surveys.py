"""Survey results page (CR-4): CSI and NPS per store, SA, consultant, technician and month,
loyalty items, trend charts and Excel."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.clock import add_months
from siwei.core.permissions import has_store_perm
from siwei.core.reporting import download_redirect
from siwei.core.scoping import user_stores
from siwei.core.views import require_store_perm

from .charts import survey_chart
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


@require_store_perm(PERM)
def survey_results_page(request: HttpRequest) -> HttpResponse:
    store = request.store
    stores = [s for s in user_stores(request.user) if has_store_perm(request.user, s, PERM)]
    if store not in stores:
        stores = [store, *stores]
    start, end = _period(request)
    result = survey_results(store=store, stores=stores, start=start, end=end)
    loyalty_labels = [str(label) for _code, label in result["loyalty_measures"]]
    if request.GET.get("format") == "xlsx":
        return download_redirect("survey-results", store=store, start=start, end=end)
    query = request.GET.copy()
    query.pop("format", None)
    return render(request, "care/surveys/results.html", {
        "result": result, "months": result["monthly"][store.pk],
        "chart": survey_chart(result, _("CSI"), _("NPS")),
        "query": query.urlencode(), "start": start, "end": end,
        "loyalty_labels": loyalty_labels, "compare": len(stores) > 1})
