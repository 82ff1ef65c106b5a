"""Pages of the report catalogue: the list of reports and one page per report, with the
period, the store (or all stores side by side), the tables, the charts and the download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from siwei.core import reporting
from siwei.core.audit import audit_record
from siwei.core.exports import xlsx_response

from .selection import ALL_STORES, compute, download_name, select, sheets


@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    """Every report the user may open in the active store, by department."""
    available = reporting.reports_for(request.user, request.store) if request.store else []
    departments = [
        {"code": code, "label": label,
         "reports": [d for d in available if d.department == code]}
        for code, label in reporting.DEPARTMENTS.items()
    ]
    return render(request, "reports/catalog/index.html", {
        "departments": [d for d in departments if d["reports"]]})


def export_report(request, selection, result) -> HttpResponse:
    """The .xlsx download of a report (an audited export: reports name staff and
    customers' figures)."""
    audit_record(actor=request.user, action="report.export", store=selection.store,
                 object_type="report", object_id=selection.definition.key,
                 note=f"{selection.start:%Y-%m-%d}…{selection.end:%Y-%m-%d} "
                      f"{selection.store.code if selection.store else ALL_STORES}")
    return xlsx_response(download_name(selection), sheets(result))


@login_required
def report_page(request: HttpRequest, key: str) -> HttpResponse:
    definition = reporting.report(key)
    if definition is None:
        raise Http404(key)
    try:
        selection = select(user=request.user, current_store=request.store,
                           definition=definition, params=request.GET, strict=False)
    except PermissionDenied:
        return render(request, "403.html", status=403)
    result = compute(selection, user=request.user)
    if request.GET.get("format") == "xlsx":
        return export_report(request, selection, result)
    query = request.GET.copy()
    query.pop("format", None)
    return render(request, "reports/catalog/report.html", {
        "definition": definition, "selection": selection, "result": result,
        "stores": reporting.stores_for(request.user, definition),
        "all_stores": ALL_STORES, "query": query.urlencode(),
        "charts": [(f"report-chart-{i}", chart) for i, chart in enumerate(result.charts)],
    })
