"""FN-8 pages: ``GET /reports/print/<doc>/<id>.pdf`` opens a printout in the browser's PDF
viewer (``?download=1`` saves it; ``?paper=80mm`` or ``?paper=a4`` where both fit;
``?part=<id>`` adds parts to a sheet of labels, ``?layout=label`` one label a page)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from siwei.core.masking import can_view_personal_data

from .printing.registry import Request, render_document


def pdf_response(content: bytes, filename: str, download: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def print_request(request, pk: int) -> Request:
    params = request.GET if hasattr(request, "GET") else request.query_params
    return Request(user=request.user, store=request.store, pk=pk,
                   paper=params.get("paper", ""), layout=params.get("layout", ""),
                   personal=can_view_personal_data(request),
                   extra_ids=tuple(int(i) for i in params.getlist("part") if i.isdigit()))


@login_required
def print_pdf(request: HttpRequest, doc: str, pk: int) -> HttpResponse:
    """One printout as PDF, with the permission of the document in the active store."""
    try:
        content, filename = render_document(print_request(request, pk), doc)
    except PermissionDenied:
        return render(request, "403.html", status=403)
    return pdf_response(content, filename, download=request.GET.get("download") == "1")
