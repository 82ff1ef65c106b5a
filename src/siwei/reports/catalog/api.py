"""API of the report catalogue (FN-7, api.md ``reports/``): ``GET reports/`` lists the
reports open in the ``X-Store`` store; ``GET reports/<key>/?from=&to=&store=`` returns one
(``store=all``: the stores side by side); ``?format=xlsx`` downloads it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import renderers, serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.response import Response

from siwei.core import reporting
from siwei.core.api.base import SiweiAPIMixin
from siwei.core.api.renderers import FileRenderer
from siwei.core.exports import XLSX_CONTENT_TYPE

from .selection import ALL_STORES, SelectionError, compute, select
from .views import export_report


class XLSXRenderer(FileRenderer):
    """Lets clients ask for ``?format=xlsx``; errors still come as JSON."""

    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"


_COLUMN = inline_serializer("ReportColumn", {
    "key": serializers.CharField(), "label": serializers.CharField(),
    "kind": serializers.ChoiceField(choices=reporting.COLUMN_KINDS)})
_TABLE = inline_serializer("ReportTable", {
    "key": serializers.CharField(), "title": serializers.CharField(),
    "columns": _COLUMN.__class__(many=True),
    "rows": serializers.ListField(child=serializers.DictField()),
    "totals": serializers.DictField(allow_null=True)})
_REPORT = inline_serializer("Report", {
    "report": serializers.CharField(), "title": serializers.CharField(),
    "department": serializers.CharField(),
    "from": serializers.DateField(), "to": serializers.DateField(),
    "store": serializers.CharField(help_text="store code, or 'all' for the stores side by side"),
    "stores": serializers.ListField(child=serializers.CharField()),
    "summary_columns": _COLUMN.__class__(many=True),
    "summary": serializers.DictField(),
    "tables": _TABLE.__class__(many=True)})
_LISTED = inline_serializer("ReportListed", {
    "key": serializers.CharField(), "title": serializers.CharField(),
    "department": serializers.CharField(), "description": serializers.CharField(),
    "as_of": serializers.BooleanField(), "url": serializers.CharField()})


def _columns(columns) -> list[dict]:
    return [{"key": c.key, "label": str(c.label), "kind": c.kind} for c in columns]


class ReportViewSet(SiweiAPIMixin, viewsets.ViewSet):
    """Every report of every department, read only."""

    renderer_classes = [renderers.JSONRenderer, XLSXRenderer]
    lookup_field = "key"
    lookup_value_regex = r"[a-z0-9-]+"

    @extend_schema(operation_id="reports_list", responses={200: _LISTED.__class__(many=True)})
    def list(self, request):
        return Response([
            {"key": d.key, "title": str(d.title), "department": d.department,
             "description": str(d.description), "as_of": d.as_of,
             "url": request.build_absolute_uri(f"{d.key}/")}
            for d in reporting.reports_for(request.user, request.store)])

    @extend_schema(
        operation_id="reports_retrieve",
        parameters=[
            OpenApiParameter("key", str, OpenApiParameter.PATH,
                             enum=sorted(reporting.all_reports())),
            OpenApiParameter("from", OpenApiTypes.DATE,
                             description="first day (default: the 1st of this month)"),
            OpenApiParameter("to", OpenApiTypes.DATE,
                             description="last day (default: today); the day of a balance"),
            OpenApiParameter("store", str, description="store code (default: X-Store), or "
                             "'all' for every store you may open the report in, side by side"),
            OpenApiParameter("format", str, enum=["json", "xlsx"]),
        ],
        responses={(200, "application/json"): _REPORT,
                   (200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    def retrieve(self, request, key: str):
        definition = reporting.report(key)
        if definition is None:
            raise NotFound()
        try:
            selection = select(user=request.user, current_store=request.store,
                               definition=definition, params=request.query_params)
        except SelectionError as exc:
            raise ValidationError({exc.field: [exc.message]}) from exc
        except PermissionDenied as exc:
            raise DRFPermissionDenied(str(exc)) from exc
        result = compute(selection, user=request.user)
        kinds = {c.key: c.kind for c in definition.summary_columns}
        if request.accepted_renderer.format == "xlsx":
            return export_report(request, selection, result)
        return Response({
            "report": definition.key, "title": str(definition.title),
            "department": definition.department,
            "from": selection.start.isoformat(), "to": selection.end.isoformat(),
            "store": selection.store.code if selection.store else ALL_STORES,
            "stores": [s.code for s in selection.stores],
            "summary_columns": _columns(definition.summary_columns),
            "summary": {k: reporting.json_value(reporting.typed(v, kinds.get(k, "text")))
                        for k, v in result.summary.items()},
            "tables": [reporting.table_json(t) for t in result.tables],
        })


def register(router) -> None:
    router.register("reports", ReportViewSet, basename="report")
