"""CR-12 messaging: the webhook backend and the SMS gateway adapter against a fake HTTP
server on localhost (request shape, signatures, success and failure answers), the console
backend, opt-out replies withdrawing consent, and delivery of the queue exactly once (also
with two workers in parallel on PostgreSQL)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from siwei.care.messaging import DeliveryError, get_backend
from siwei.care.messaging.sms import canonical_string
from siwei.care.messaging.webhook import SIGNATURE_HEADER
from siwei.care.models import InboundMessage, Message, MessageStatus
from siwei.care.services.messaging import (
    is_opt_out,
    message_inbound_receive,
    message_queue,
    messages_deliver_queued,
)
from siwei.core.models import AuditEvent
from tests.care.test_campaigns_segments import make_customer

pytestmark = pytest.mark.django_db


class FakeServer:
    """An HTTP server on 127.0.0.1:<free port> recording each request and answering with
    ``self.status`` and ``self.answer``."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status, self.answer = 200, b"{}"
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                owner.requests.append({"path": self.path, "headers": dict(self.headers),
                                       "body": body})
                self.send_response(owner.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(owner.answer)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/sms/send"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    fake = FakeServer()
    yield fake
    fake.close()


@pytest.fixture
def queued(store_bj, clock):
    customer = make_customer(store_bj, "王芳", "13912345678")
    return message_queue(store=store_bj, customer=customer, channel="sms",
                         body="尊敬的王芳，您的爱车保养将于12月5日到期。退订回T")


def configure(settings, **values):
    settings.SIWEI_MESSAGING = {"TIMEOUT": 3, **values}


# --- webhook --------------------------------------------------------------------------


def test_cr12_webhook_posts_signed_json(settings, server, queued):
    configure(settings, BACKEND="webhook", WEBHOOK={"URL": server.url, "SECRET": "hook-secret"})
    server.answer = b'{"id": "wh-77"}'
    assert get_backend().send(queued) == "wh-77"
    request = server.requests[0]
    assert json.loads(request["body"]) == {
        "to": "13912345678", "body": queued.body, "channel": "sms", "store": "BJ01",
        "id": queued.pk}
    expected = hmac.new(b"hook-secret", request["body"], hashlib.sha256).hexdigest()
    assert request["headers"][SIGNATURE_HEADER] == f"sha256={expected}"
    assert request["headers"]["Content-Type"].startswith("application/json")


def test_cr12_webhook_failures_are_delivery_errors(settings, server, queued):
    configure(settings, BACKEND="webhook", WEBHOOK={"URL": server.url})
    server.status, server.answer = 503, b"busy"
    with pytest.raises(DeliveryError, match="HTTP 503"):
        get_backend().send(queued)
    assert SIGNATURE_HEADER not in server.requests[0]["headers"]  # no secret, no signature
    configure(settings, BACKEND="webhook", WEBHOOK={"URL": "http://127.0.0.1:9/closed"})
    with pytest.raises(DeliveryError):
        get_backend().send(queued)
    configure(settings, BACKEND="webhook", WEBHOOK={"URL": "file:///etc/passwd"})
    with pytest.raises(DeliveryError, match="not http"):
        get_backend().send(queued)


# --- SMS gateway ----------------------------------------------------------------------


SMS = {"KEY_ID": "LTAI-test-key", "SECRET": "gateway-secret", "SIGN_NAME": "四位一体汽车"}


def test_cr12_sms_gateway_request_shape_and_signature(settings, server, queued, clock):
    configure(settings, BACKEND="sms", SMS={**SMS, "URL": server.url})
    server.answer = json.dumps({"Code": "OK", "Message": "OK", "RequestId": "req-1",
                                "BizId": "biz-9"}).encode()
    assert get_backend().send(queued) == "biz-9"
    sent = json.loads(server.requests[0]["body"])
    assert server.requests[0]["path"] == "/sms/send"
    assert sent["AccessKeyId"] == "LTAI-test-key" and sent["SignName"] == "四位一体汽车"
    assert sent["PhoneNumbers"] == "13912345678" and sent["Content"] == queued.body
    assert sent["OutId"] == str(queued.pk) and "TemplateCode" not in sent
    assert sent["Timestamp"] == "2026-11-22T01:00:00Z" and len(sent["SignatureNonce"]) == 32
    canonical = canonical_string(sent).encode()
    expected = base64.b64encode(hmac.new(b"gateway-secret", canonical,
                                         hashlib.sha256).digest()).decode()
    assert sent["Signature"] == expected
    assert "Signature=" not in canonical.decode()
    # With a template code the text goes as a template parameter.
    configure(settings, BACKEND="sms", SMS={**SMS, "URL": server.url, "TEMPLATE_CODE": "SMS_1"})
    get_backend().send(queued)
    sent = json.loads(server.requests[1]["body"])
    assert sent["TemplateCode"] == "SMS_1" and "Content" not in sent
    assert json.loads(sent["TemplateParam"]) == {"content": queued.body}
    assert sent["SignatureNonce"] != json.loads(server.requests[0]["body"])["SignatureNonce"]


def test_cr12_sms_gateway_error_codes_are_failures(settings, server, queued):
    configure(settings, BACKEND="sms", SMS={**SMS, "URL": server.url})
    server.answer = json.dumps({"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "号码格式错误",
                                "RequestId": "req-2"}).encode()
    with pytest.raises(DeliveryError) as refused:
        get_backend().send(queued)
    assert "isv.MOBILE_NUMBER_ILLEGAL" in str(refused.value) and "req-2" in str(refused.value)
    server.status, server.answer = 500, b"<html>oops</html>"
    with pytest.raises(DeliveryError, match="HTTP 500"):
        get_backend().send(queued)
    configure(settings, BACKEND="sms", SMS={"URL": server.url})
    with pytest.raises(DeliveryError, match="not configured"):
        get_backend().send(queued)


def test_cr12_deliver_marks_sent_and_failed_through_the_gateway(settings, server, queued,
                                                               store_bj):
    configure(settings, BACKEND="sms", SMS={**SMS, "URL": server.url})
    server.answer = b'{"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "flow control"}'
    assert messages_deliver_queued() == 0
    failed = Message.objects.get(pk=queued.pk)
    assert failed.status == MessageStatus.FAILED and "BUSINESS_LIMIT" in failed.error
    assert failed.backend == "sms"
    other = message_queue(store=store_bj, customer=queued.customer, channel="sms", body="再试")
    server.answer = b'{"Code": "OK", "Message": "OK", "RequestId": "r", "BizId": "b-1"}'
    assert messages_deliver_queued() == 1
    other.refresh_from_db()
    assert (other.status, other.provider_id, other.error) == (MessageStatus.SENT, "b-1", "")
    assert messages_deliver_queued() == 0 and len(server.requests) == 2


def test_cr12_sms_inbound_parsing(rf):
    request = rf.post("/", json.dumps([{"phone_number": "13912345678", "content": "TD"},
                                       {"phone_number": "13687654321", "content": "好的"}]),
                      content_type="application/json")
    assert get_backend("sms").parse_inbound(request) == [("13912345678", "TD"),
                                                         ("13687654321", "好的")]
    form = rf.post("/", {"mobile": "13912345678", "content": "退订"})
    assert get_backend("sms").parse_inbound(form) == [("13912345678", "退订")]


# --- console, choice of backend -------------------------------------------------------


def test_cr12_console_backend_is_the_default_and_only_logs(settings, queued, caplog):
    settings.SIWEI_MESSAGING = {}
    backend = get_backend()
    assert backend.name == "console"
    with caplog.at_level("INFO", logger="siwei.messaging"):
        assert messages_deliver_queued() == 1
    assert "13912345678" in caplog.text and queued.body in caplog.text
    assert Message.objects.get(pk=queued.pk).status == MessageStatus.SENT
    with pytest.raises(ValueError):
        get_backend("carrier-pigeon")


# --- opt-out --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["退订", "TD", "td", "T", "t", " Td。", "退订回T", "请退订，谢谢",
                                  "STOP", "取消订阅"])
def test_cr12_opt_out_replies(text):
    assert is_opt_out(text)


@pytest.mark.parametrize("text", ["好的", "TDS", "谢谢提醒", "明天到店", "", "Tomorrow"])
def test_cr12_other_replies_are_not_opt_outs(text):
    assert not is_opt_out(text)


def test_cr12_opt_out_reply_withdraws_sms_consent(store_bj, store_sh, clock):
    here = make_customer(store_bj, "王芳", "13912345678")
    there = make_customer(store_sh, "王芳", "13912345678")
    other = make_customer(store_bj, "李强", "13687654321")
    kept = message_inbound_receive(channel="sms", sender="13687654321", body="收到，谢谢")
    assert not kept.opted_out and kept.customer == other
    inbound = message_inbound_receive(channel="sms", sender="8613912345678", body="TD",
                                      store=store_bj)
    assert inbound.opted_out and inbound.customer == here and inbound.store == store_bj
    here.refresh_from_db(), there.refresh_from_db(), other.refresh_from_db()
    assert here.consent_sms is False and here.consent_sms_at == clock.now()
    assert there.consent_sms is True  # the reply named store BJ01
    assert other.consent_sms is True
    event = AuditEvent.objects.get(action="customer.consent")
    assert event.object_id == str(here.pk) and event.after == {"sms": False}
    # Without a store every customer with the number opts out; unknown senders are kept.
    message_inbound_receive(channel="sms", sender="+86 139-1234-5678", body="退订")
    there.refresh_from_db()
    assert there.consent_sms is False
    unknown = message_inbound_receive(channel="sms", sender="13000000000", body="T")
    assert unknown.customer is None and unknown.opted_out
    assert InboundMessage.objects.count() == 4
    refused = message_queue(store=store_bj, customer=here, channel="sms", body="促销",
                            is_marketing=True)
    assert refused.skip_reason == "no_consent"


# --- delivering exactly once ----------------------------------------------------------


class SlowRecorder:
    name = "recorder"

    def __init__(self):
        self.sent: list[int] = []
        self.lock = threading.Lock()

    def send(self, message):
        time.sleep(0.02)
        with self.lock:
            self.sent.append(message.pk)
        return f"r-{message.pk}"


def test_cr12_delivering_twice_sends_each_message_once(queued, store_bj):
    for i in range(4):
        message_queue(store=store_bj, customer=queued.customer, channel="sms", body=f"第{i}条")
    backend = SlowRecorder()
    assert messages_deliver_queued(backend=backend) == 5
    assert messages_deliver_queued(backend=backend) == 0
    assert sorted(backend.sent) == sorted(Message.objects.values_list("pk", flat=True))
    assert messages_deliver_queued(limit=0, backend=backend) == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cr12_two_workers_in_parallel_send_each_message_once(store_bj, clock):
    from django.db import close_old_connections, connection

    customer = make_customer(store_bj, "王芳", "13912345678")
    for i in range(30):
        message_queue(store=store_bj, customer=customer, channel="sms", body=f"第{i}条")
    backend = SlowRecorder()
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def work():
        try:
            barrier.wait()
            counts.append(messages_deliver_queued(backend=backend))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(counts) == 30 and len(backend.sent) == 30 and len(set(backend.sent)) == 30
    assert all(n > 0 for n in counts)  # both worked, neither waited for the other
    assert Message.objects.filter(status=MessageStatus.SENT).count() == 30
