"""Messaging backends (CR-12): how an outgoing message leaves the DMS and how replies come
back. ``get_backend()`` returns the backend configured in ``settings.SIWEI_MESSAGING``:

- ``console`` (default): writes the message to the log, sends nothing;
- ``webhook``: POSTs JSON ``{to, body, channel, store, id}`` to a URL, optionally signed;
- ``sms``: a generic Chinese SMS gateway (access key id, signed timestamp and nonce, sign
  name, template code or content, phone numbers; JSON ``Code``/``Message``/``RequestId``).
"""

from .base import Backend, DeliveryError, InboundError, get_backend, messaging_settings

__all__ = ["Backend", "DeliveryError", "InboundError", "get_backend", "messaging_settings"]
