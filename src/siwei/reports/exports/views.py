"""Page "Export store data" (FN-10): start a full export, follow the jobs, download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siwei.core.errors import DomainError
from siwei.core.exports import xlsx_response
from siwei.core.paging import paginate
from siwei.core.views import refusal_message, require_store_perm
from siwei.reports.models import StoreExport

from . import lists, services

PERMISSION = services.PERMISSION


@require_store_perm(PERMISSION)
def export_index(request: HttpRequest) -> HttpResponse:
    exports = StoreExport.objects.for_store(request.store).select_related("created_by")
    return render(request, "reports/exports/index.html", {
        "page": paginate(request, exports), "lists": lists.lists_for(request.user, request.store),
        "running": exports.filter(status__in=["queued", "running"]).exists()})


@require_POST
@require_store_perm(PERMISSION)
def export_start(request: HttpRequest) -> HttpResponse:
    try:
        services.store_export_start(actor=request.user, store=request.store)
    except (DomainError, PermissionDenied) as exc:
        messages.error(request, refusal_message(exc))
    else:
        messages.success(request, _("The export has started; it is listed below when ready."))
    return redirect("reports:exports")


@require_store_perm(PERMISSION)
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = StoreExport.objects.for_store(request.store).filter(pk=pk).first()
    if export is None:
        raise Http404
    try:
        path = services.store_export_download(actor=request.user, export=export)
    except DomainError as exc:
        messages.error(request, refusal_message(exc))
        return redirect("reports:exports")
    return FileResponse(path.open("rb"), as_attachment=True, filename=export.file_name,
                        content_type="application/zip")


@login_required
def list_index(request: HttpRequest) -> HttpResponse:
    """Excel downloads of the lists that have no page of their own."""
    return render(request, "reports/exports/lists.html", {
        "lists": lists.lists_for(request.user, request.store) if request.store else []})


def list_download(request: HttpRequest, slug: str) -> HttpResponse:
    """An .xlsx of one of the lists without a page of their own (vehicles, payments …)."""
    item = lists.LISTS.get(slug)
    if item is None:
        raise Http404

    @require_store_perm(item.permission)
    def download(request: HttpRequest) -> HttpResponse:
        return xlsx_response(f"{slug}-{request.store.code}", [lists.list_sheet(request, item)])

    return download(request)
