"""``Idempotency-Key``: a POST with the key is applied once; a replay with the same key
and body returns the first response, a replay with another body is refused (409).

The record is inserted in the same transaction as the action. A parallel request with
the same key waits on the unique index until the first commits, then returns the
stored response."""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from ..errors import DomainError
from ..models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 100


class _Replay(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def _stored_response(record: IdempotencyRecord) -> Response:
    response = Response(json.loads(record.response_body or "null"), status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotentMixin:
    def _idempotency_key(self, request) -> str | None:
        if request.method != "POST":
            return None
        return request.headers.get(HEADER) or None

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and request.headers.get(HEADER):
            # Read the body before anything parses it, and keep the action, the record
            # and the stored response in one transaction.
            request._idempotency_body_hash = hashlib.sha256(request.body).hexdigest()
            with transaction.atomic():
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        key = self._idempotency_key(request)
        if not key or not request.user.is_authenticated:
            return
        if len(key) > MAX_KEY_LENGTH:
            raise DomainError("idempotency_key_invalid", f"{HEADER} is longer than 100 characters.")
        body_hash = request._request._idempotency_body_hash
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=request.user,
                    key=key,
                    method=request.method,
                    path=request.path[:300],
                    body_hash=body_hash,
                )
        except IntegrityError:
            record = IdempotencyRecord.objects.get(user=request.user, key=key)
            if record.body_hash != body_hash or record.path != request.path[:300]:
                raise DomainError(
                    "idempotency_key_reused",
                    f"This {HEADER} was already used for another request.",
                ) from None
            raise _Replay(_stored_response(record)) from None
        request._idempotency_record = record

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record = getattr(request, "_idempotency_record", None)
        connection = transaction.get_connection()
        if record is not None and response.status_code < 500 and not connection.needs_rollback:
            record.status_code = response.status_code
            record.response_body = json.dumps(response.data, cls=JSONEncoder)
            record.save(update_fields=["status_code", "response_body"])
        return response
