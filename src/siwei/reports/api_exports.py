"""API of reports and data: exports (FN-10) — ``exports/``: POST starts a full export
of the request's store, GET lists jobs and their status, ``exports/<id>/download/``
returns the zip of a finished one."""

from __future__ import annotations

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from siwei.core.api.base import StoreScopedViewSet

from .exports import services
from .models import StoreExport


class StoreExportSerializer(serializers.ModelSerializer):
    store = serializers.CharField(source="store.code", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = StoreExport
        fields = ["id", "store", "status", "file_name", "size", "sha256", "table_count",
                  "row_count", "failure", "created_by", "created_at", "started_at",
                  "finished_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, export) -> str | None:
        request = self.context.get("request")
        if export.status != "done" or request is None:
            return None
        return request.build_absolute_uri(reverse("store-export-download", args=[export.pk]))


class StoreExportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         StoreScopedViewSet):
    """Full data exports of the request's store (``X-Store``). POST with an empty body
    starts one (202; 409 ``export_running`` while another runs); poll the job until
    ``status`` is ``done``, then GET ``download/``."""

    serializer_class = StoreExportSerializer
    queryset = StoreExport.objects.select_related("store")
    filterset_fields = ["status"]
    ordering_fields = ["created_at", "id"]
    http_method_names = ["get", "post", "head", "options"]
    required_permissions = {"*": services.PERMISSION}

    def get_queryset(self):
        return super().get_queryset().for_store(self.request.store)

    @extend_schema(request=None, responses={202: StoreExportSerializer})
    def create(self, request):
        export = services.store_export_start(actor=request.user, store=request.store)
        export.refresh_from_db()
        return Response(self.get_serializer(export).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        export = self.get_object()
        path = services.store_export_download(actor=request.user, export=export)
        return FileResponse(path.open("rb"), as_attachment=True, filename=export.file_name,
                            content_type="application/zip")


def register(router) -> None:
    """Register this area's viewsets on the API router."""
    router.register("exports", StoreExportViewSet, basename="store-export")
