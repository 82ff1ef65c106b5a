"""API of reports and data: printing. ``GET /api/v1/print/<doc>/<id>/`` returns the
printout as ``application/pdf`` (FN-8), with the document's permission in ``X-Store``."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import renderers, viewsets

from siwei.core.api.base import SiweiAPIMixin
from siwei.core.api.renderers import FileRenderer

from .printing.registry import DOCUMENTS
from .views_printing import pdf_response, print_request


class PDFRenderer(FileRenderer):
    """Lets clients ask for ``Accept: application/pdf``; errors still come as JSON."""

    media_type = "application/pdf"
    format = "pdf"


class PrintViewSet(SiweiAPIMixin, viewsets.ViewSet):
    """Printouts as PDF (FN-8)."""

    renderer_classes = [renderers.JSONRenderer, PDFRenderer]
    lookup_value_regex = r"\d+"

    @extend_schema(
        operation_id="print_retrieve",
        description="The printout as PDF, with the document's permission in the X-Store "
                    "store. Documents: " + ", ".join(DOCUMENTS) + ".",
        parameters=[
            OpenApiParameter("doc", str, OpenApiParameter.PATH, enum=list(DOCUMENTS)),
            OpenApiParameter("id", int, OpenApiParameter.PATH),
            OpenApiParameter("paper", str, enum=["a4", "80mm"],
                             description="gate-pass and receipt only"),
            OpenApiParameter("part", int, many=True,
                             description="part-labels only: more parts on the sheet"),
            OpenApiParameter("layout", str, enum=["sheet", "label"],
                             description="part-labels only"),
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def retrieve(self, request, doc: str, pk: str):
        from .printing.registry import render_document

        content, filename = render_document(print_request(request, int(pk)), doc)
        return pdf_response(content, filename, download=request.query_params.get(
            "download") == "1")


def register(router) -> None:
    """Register this area's viewsets on the API router."""
    router.register(r"print/(?P<doc>[a-z0-9-]+)", PrintViewSet, basename="print")
