"""An adapter of the usual shape of Chinese SMS gateways (短信网关).

Request: ``POST`` JSON with ``AccessKeyId``, ``Timestamp`` (UTC, ISO 8601), a random
``SignatureNonce``, ``SignName`` (the approved 短信签名), ``PhoneNumbers``, either
``TemplateCode`` + ``TemplateParam`` (``{"content": …}``) or the free ``Content``, and
``OutId`` (our message id). ``Signature`` is base64(HMAC-SHA256(secret, canonical)) where
canonical is the other parameters sorted by name, URL-encoded, joined as ``k=v&k=v``.

Response: JSON ``{"Code": "OK", "Message": "OK", "RequestId": …, "BizId": …}``; any other
code is a failure (``isv.MOBILE_NUMBER_ILLEGAL``, ``isv.BUSINESS_LIMIT_CONTROL`` …).

Replies (上行短信) arrive as JSON ``[{"phone_number": …, "content": …, "send_time": …}]``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import uuid
from urllib.parse import quote

from siwei.core import clock

from .base import Backend, DeliveryError, InboundError, _json, _pairs
from .http import post

OK = "OK"


def canonical_string(params: dict[str, str]) -> str:
    return "&".join(f"{quote(str(k), safe='~')}={quote(str(v), safe='~')}"
                    for k, v in sorted(params.items()) if k != "Signature")


def sign(params: dict[str, str], secret: str) -> str:
    digest = hmac.new(secret.encode(), canonical_string(params).encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


class SmsGatewayBackend(Backend):
    name = "sms"

    def request_params(self, message) -> dict[str, str]:
        conf = self.config["SMS"]
        params = {
            "AccessKeyId": conf.get("KEY_ID", ""),
            "Timestamp": clock.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "SignatureNonce": uuid.uuid4().hex,
            "SignName": conf.get("SIGN_NAME", ""),
            "PhoneNumbers": message.to,
            "OutId": str(message.pk),
        }
        if conf.get("TEMPLATE_CODE"):
            params["TemplateCode"] = conf["TEMPLATE_CODE"]
            params["TemplateParam"] = json.dumps({"content": message.body}, ensure_ascii=False)
        else:
            params["Content"] = message.body
        params["Signature"] = sign(params, conf.get("SECRET", ""))
        return params

    def send(self, message) -> str:
        conf = self.config["SMS"]
        if not conf.get("KEY_ID") or not conf.get("SECRET"):
            raise DeliveryError("SMS gateway key id or secret not configured")
        body = json.dumps(self.request_params(message), ensure_ascii=False).encode("utf-8")
        status, answer = post(conf.get("URL", ""), body,
                              headers={"Content-Type": "application/json; charset=utf-8",
                                       "Accept": "application/json"},
                              timeout=float(self.config["TIMEOUT"]))
        try:
            data = json.loads(answer.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            data = None
        if not isinstance(data, dict):
            raise DeliveryError(f"HTTP {status}: unreadable gateway answer "
                                f"{answer[:120].decode('utf-8', 'replace')!r}")
        code, text = str(data.get("Code", "")), str(data.get("Message", ""))
        request_id = str(data.get("RequestId", ""))
        if status >= 300 or code != OK:
            raise DeliveryError(f"{code or f'HTTP {status}'}: {text} (request {request_id})")
        return str(data.get("BizId") or request_id)

    def parse_inbound(self, request) -> list[tuple[str, str]]:
        if request.content_type == "application/json":
            data = _json(request.body)
        else:
            data = [{"phone_number": request.POST.get("phone_number")
                     or request.POST.get("mobile", ""),
                     "content": request.POST.get("content", "")}]
        items = [data] if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise InboundError("expected a list of replies")
        return _pairs(items, sender_keys=("phone_number", "PhoneNumber", "mobile", "from"),
                      body_keys=("content", "Content", "body"))
