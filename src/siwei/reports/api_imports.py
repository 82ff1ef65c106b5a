"""API of reports and data: imports/ (FN-9). ``POST imports/`` (multipart ``kind``,
``file``, ``mode`` = dry_run | all_or_nothing | good_rows_only) returns the job with its
status and bad rows; a large file runs in the background: poll ``GET imports/{id}/``.
``POST imports/{id}/confirm/`` (``mode``) imports a checked file;
``GET imports/template/?kind=…`` downloads the template."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from siwei.core.api.base import StoreScopedViewSet

from .imports import services
from .imports.templates import template_response
from .models import ImportJob, ImportKind, ImportMode


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="spreadsheet row number (the header is row 1)")
    column = serializers.CharField(help_text="column key, blank for the whole row")
    label = serializers.CharField(help_text="the column's header in the template")
    message = serializers.CharField()


class ImportJobSerializer(serializers.ModelSerializer):
    # Plain strings here: the choices are documented once, on the upload.
    kind = serializers.CharField(read_only=True,
                                 help_text="customers, vehicles, parts or stock")
    mode = serializers.CharField(read_only=True,
                                 help_text="dry_run, all_or_nothing or good_rows_only")
    errors = ImportErrorSerializer(many=True, read_only=True)
    percent = serializers.IntegerField(read_only=True)
    bad_rows = serializers.IntegerField(read_only=True)

    class Meta:
        model = ImportJob
        fields = ["id", "kind", "mode", "status", "filename", "total_rows", "processed_rows",
                  "percent", "good_rows", "bad_rows", "written_rows", "created_count",
                  "updated_count", "errors", "failure", "created_by", "confirmed_by",
                  "created_at", "started_at", "finished_at"]
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    mode = serializers.ChoiceField(choices=ImportMode.choices, default=ImportMode.DRY_RUN)
    file = serializers.FileField(help_text=".xlsx, or .csv in UTF-8 or GBK; at most 10 MB")


class ImportConfirmSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=[ImportMode.ALL_OR_NOTHING,
                                            ImportMode.GOOD_ROWS_ONLY])


class ImportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StoreScopedViewSet):
    """Import jobs of the request's store, of the kinds the user may import."""

    serializer_class = ImportJobSerializer
    queryset = ImportJob.objects.all()
    filterset_fields = ["kind", "status"]
    ordering_fields = ["created_at", "id"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    # Every importer holds view_importjob; the service then checks the kind.
    required_permissions = {"list": "reports.view_importjob",
                            "retrieve": "reports.view_importjob",
                            "create": "reports.view_importjob",
                            "confirm": "reports.view_importjob",
                            "template": "reports.view_importjob"}

    def get_queryset(self):
        kinds = services.importable_kinds(self.request.user, self.request.store)
        return (ImportJob.objects.for_store(self.request.store).filter(kind__in=kinds)
                .order_by("-created_at", "-id"))

    @extend_schema(request={"multipart/form-data": ImportUploadSerializer},
                   responses={201: ImportJobSerializer})
    def create(self, request):
        """Upload a file. 403 without the kind's import permission; 400 naming ``file``
        for an unreadable file."""
        body = ImportUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = services.import_job_create(actor=request.user, store=request.store,
                                         **body.validated_data)
        job.refresh_from_db()
        return Response(self.get_serializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ImportConfirmSerializer, responses=ImportJobSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Import a checked file: 409 ``import_has_errors`` (all or nothing while rows are
        bad), ``nothing_to_import``, ``invalid_transition``."""
        job = self.get_object()
        body = ImportConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = services.import_job_confirm(actor=request.user, job=job,
                                          mode=body.validated_data["mode"])
        job.refresh_from_db()
        return Response(self.get_serializer(job).data)

    @extend_schema(parameters=[OpenApiParameter("kind", enum=ImportKind.values, required=True)],
                   responses={(200, "application/vnd.openxmlformats-officedocument."
                                    "spreadsheetml.sheet"): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"])
    def template(self, request):
        """The .xlsx template of a kind: the header row and one example row."""
        kind = request.query_params.get("kind", "")
        if kind not in ImportKind.values:
            raise DRFValidationError({"kind": [_("Choose what to import.")]})
        return template_response(kind)


def register(router) -> None:
    """Register this area's viewsets on the API router."""
    router.register("imports", ImportJobViewSet, basename="import")
