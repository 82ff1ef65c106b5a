"""The API's error format: 400 field errors, 409 ``{"code", "detail"}`` for business
rules, 403/404 as usual, and never a 500 for bad input."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..errors import DomainError


def django_validation_to_drf(exc: DjangoValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        detail = {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    else:
        detail = {"non_field_errors": exc.messages}
    return ValidationError(detail)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = django_validation_to_drf(exc)
    elif isinstance(exc, IntegrityError):
        return Response(
            {"code": "conflict", "detail": "The record conflicts with an existing one."},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)
