"""Page forms posted once: the one-time token of the form is stored like an API
``Idempotency-Key`` (same table, same unique index), in the transaction of the action.
A second post with the token (double click, reload, a parallel request) gets the first
result back instead of running the action again."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction

from siwei.core.models import IdempotencyRecord


def run_once(request, *, token, scope: str, action: Callable[[], int]) -> tuple[int, bool]:
    """Run ``action`` (returning the id of what it made) once per ``token`` of the user;
    returns ``(id, replayed)``. A refusal raised by ``action`` rolls everything back, so
    the same form can be corrected and posted again."""
    key = f"page:{scope}:{token}"
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=request.user, key=key, method="POST", path=request.path[:300],
                    body_hash=hashlib.sha256(key.encode()).hexdigest())
        except IntegrityError:
            record = IdempotencyRecord.objects.get(user=request.user, key=key)
            return json.loads(record.response_body or "{}").get("id"), True
        made = action()
        record.status_code, record.response_body = 201, json.dumps({"id": made})
        record.save(update_fields=["status_code", "response_body"])
    return made, False
