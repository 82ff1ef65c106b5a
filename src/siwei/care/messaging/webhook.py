"""The webhook backend: POST JSON ``{to, body, channel, store, id}`` to a URL. With a
secret, the header ``X-Siwei-Signature: sha256=<hex>`` is the HMAC-SHA256 of the body."""

from __future__ import annotations

import hashlib
import hmac
import json

from .base import Backend, DeliveryError
from .http import post

SIGNATURE_HEADER = "X-Siwei-Signature"


def body_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookBackend(Backend):
    name = "webhook"

    def send(self, message) -> str:
        conf = self.config["WEBHOOK"]
        store = getattr(message, "store", None)
        payload = {"to": message.to, "body": message.body, "channel": message.channel,
                   "store": getattr(store, "code", ""), "id": message.pk}
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if conf.get("SECRET"):
            headers[SIGNATURE_HEADER] = body_signature(conf["SECRET"], body)
        status, answer = post(conf.get("URL", ""), body, headers=headers,
                              timeout=float(self.config["TIMEOUT"]))
        if not 200 <= status < 300:
            raise DeliveryError(f"HTTP {status}: {answer[:200].decode('utf-8', 'replace')}")
        try:
            data = json.loads(answer.decode("utf-8")) if answer else {}
        except (UnicodeDecodeError, json.JSONDecodeError):
            data = {}
        return str(data.get("id", "")) if isinstance(data, dict) else ""
