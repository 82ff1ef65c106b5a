"""Pages of the feedback classifier (CR-8): the accuracy of its suggestions against the
staff's final choice, its learned keywords, and retraining on demand."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siwei.core import clock
from siwei.core.exports import xlsx_response
from siwei.core.periods import period_from_request
from siwei.core.permissions import has_store_perm
from siwei.core.views import require_store_perm

from .selectors_classification import accuracy_chart, classification_accuracy, learned_keywords
from .services.classification import classifier_retrain


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """``?from=&to=``; by default the twelve months up to today."""
    if request.GET.get("from") or request.GET.get("to"):
        return period_from_request(request)
    today = clock.today()
    month = today.month - 11
    year = today.year + (month - 1) // 12
    return dt.date(year, (month - 1) % 12 + 1, 1), today


def _pct(value) -> str:
    return "" if value is None else value


@require_store_perm("care.view_feedback")
def classifier_accuracy(request: HttpRequest) -> HttpResponse:
    store = request.store
    start, end = _period(request)
    result = classification_accuracy(store=store, start=start, end=end)
    if request.GET.get("format") == "xlsx":
        return _xlsx(result)
    return render(request, "care/classification/accuracy.html", {
        "result": result, "start": start, "end": end, "chart": accuracy_chart(result),
        "query": urlencode({"from": start, "to": end}),
        "keywords": learned_keywords(group=store.group, field="category"),
        "can_train": has_store_perm(request.user, store, "care.analyse_feedback")})


def _xlsx(result: dict) -> HttpResponse:
    figures = [_("Records"), _("Type suggested"), _("Type correct"), _("Type accuracy %"),
               _("Category suggested"), _("Category correct"), _("Category accuracy %")]

    def values(r):
        return [r["records"], r["kind"]["suggested"], r["kind"]["correct"],
                _pct(r["kind"]["accuracy"]), r["category"]["suggested"],
                r["category"]["correct"], _pct(r["category"]["accuracy"])]

    confusion = result["confusion"]
    columns = [str(label) for _value, label in confusion["columns"]]
    return xlsx_response(f"classifier-accuracy-{result['start']}-{result['end']}", [
        (_("Per month"), [_("Month"), *figures],
         ([m["month"].strftime("%Y-%m"), *values(m)] for m in result["months"])),
        (_("Total"), figures, [values(result["total"])]),
        (_("Categories"), [_("Staff's category"), *columns, _("Total"), _("Correct %")],
         ([str(r["label"]), *r["cells"], r["total"], _pct(r["recall"])]
          for r in confusion["rows"])),
    ])


@require_POST
@require_store_perm("care.analyse_feedback")
def classifier_train(request: HttpRequest) -> HttpResponse:
    try:
        stats = classifier_retrain(actor=request.user, store=request.store)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Classifier retrained from %(records)d records: "
                                    "%(kind)d type keywords, %(category)d category keywords.")
                         % {"records": stats["records"], "kind": stats["terms"].get("kind", 0),
                            "category": stats["terms"].get("category", 0)})
    return redirect("care:classifier-accuracy")
