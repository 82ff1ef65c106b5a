"""The OpenAPI schema describes what the API really sends (quality.md: the API is fuzzed
against its own schema, and answers must match it).

Two corrections to drf-spectacular's defaults, for every endpoint:

- times (``TimeField``) are sent as ``HH:MM:SS`` without a UTC offset, which JSON Schema's
  ``format: time`` (RFC 3339 ``full-time``) does not allow: they are described by a pattern;
- a read-only choice whose model field may be blank (``loss_reason`` of an open lead) is
  sent as ``""``: the schema allows the blank choice as it does for writable fields.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.drainage import has_override
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import append_meta
from rest_framework import serializers

TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"


def _model_field_allows_blank(field: serializers.Field) -> bool:
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source or field.source == "*":
        return False
    try:
        model_field = model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return False
    return isinstance(model_field, models.CharField | models.TextField) and model_field.blank


class SiweiAutoSchema(AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if isinstance(field, serializers.TimeField) and not has_override(field, "field"):
            meta = self._get_serializer_field_meta(field, direction)
            return append_meta({"type": "string", "pattern": TIME_PATTERN,
                                "example": "08:30:00"}, meta)
        if (isinstance(field, serializers.ChoiceField) and field.read_only
                and not field.allow_blank and _model_field_allows_blank(field)):
            # DRF drops ``allow_blank`` from read-only fields; the value may still be blank.
            field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)
