"""The backend interface and the choice of backend from the settings."""

from __future__ import annotations

import json
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULTS: dict[str, Any] = {
    "BACKEND": "console",
    "TIMEOUT": 10.0,
    "INBOUND_SECRET": "",
    "WEBHOOK": {"URL": "", "SECRET": ""},
    "SMS": {"URL": "", "KEY_ID": "", "SECRET": "", "SIGN_NAME": "", "TEMPLATE_CODE": ""},
}

BACKENDS = {
    "console": "siwei.care.messaging.console.ConsoleBackend",
    "webhook": "siwei.care.messaging.webhook.WebhookBackend",
    "sms": "siwei.care.messaging.sms.SmsGatewayBackend",
}


class DeliveryError(Exception):
    """The backend could not hand the message over; the message is marked failed with
    this text."""


class InboundError(ValueError):
    """An inbound request the backend cannot read (answered with 400)."""


class OutgoingMessage(Protocol):
    """What a backend needs of a message (``care.Message`` satisfies it)."""

    pk: int
    to: str
    body: str
    channel: str


class Backend:
    """Base class: ``send`` hands one message over and returns the provider's id (or
    raises ``DeliveryError``); ``parse_inbound`` reads a provider's callback into
    ``(sender, body)`` pairs."""

    name = "base"

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.config = config if config is not None else messaging_settings()

    def send(self, message: OutgoingMessage) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def parse_inbound(self, request) -> list[tuple[str, str]]:
        """The default inbound format: JSON ``{"from": …, "body": …}``, a list of such
        objects, or ``{"messages": [...]}``; form fields ``from`` and ``body`` also work."""
        if request.content_type == "application/json":
            data = _json(request.body)
        else:
            data = {"from": request.POST.get("from", ""), "body": request.POST.get("body", "")}
        items = data.get("messages", data) if isinstance(data, dict) else data
        items = [items] if isinstance(items, dict) else items
        if not isinstance(items, list):
            raise InboundError("expected an object or a list of objects")
        return _pairs(items, sender_keys=("from", "sender", "mobile"),
                      body_keys=("body", "content", "text"))


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8") or "null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InboundError("the body is not JSON") from exc


def _pairs(items: list, *, sender_keys: tuple[str, ...],
           body_keys: tuple[str, ...]) -> list[tuple[str, str]]:
    pairs = []
    for item in items:
        if not isinstance(item, dict):
            raise InboundError("each message must be an object")
        sender = next((str(item[k]) for k in sender_keys if item.get(k)), "")
        body = next((str(item[k]) for k in body_keys if item.get(k) is not None), "")
        if not sender:
            raise InboundError("a message without sender")
        pairs.append((sender.strip(), body.strip()))
    return pairs


def messaging_settings() -> dict[str, Any]:
    """``settings.SIWEI_MESSAGING`` over the defaults (nested dicts merged)."""
    configured = getattr(settings, "SIWEI_MESSAGING", {}) or {}
    merged = {**DEFAULTS, **configured}
    for key in ("WEBHOOK", "SMS"):
        merged[key] = {**DEFAULTS[key], **(configured.get(key) or {})}
    return merged


def get_backend(name: str | None = None) -> Backend:
    """The configured backend, or the one named (``console``, ``webhook``, ``sms`` or a
    dotted path to a ``Backend`` subclass)."""
    config = messaging_settings()
    name = name or config["BACKEND"] or "console"
    path = BACKENDS.get(name, name)
    if "." not in path:
        raise ValueError(f"unknown messaging backend {name!r}")
    return import_string(path)(config)
