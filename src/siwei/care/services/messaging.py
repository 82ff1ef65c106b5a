"""Outgoing and incoming messages (CR-11, CR-12): queue with the consent and frequency
rules, deliver through the configured backend exactly once, and read replies (退订/TD
withdraws the SMS consent)."""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.db import IntegrityError, transaction

from siwei.core import clock
from siwei.core.transactions import service_transaction
from siwei.core.validators import normalize_mobile

from ..messaging import Backend, DeliveryError, get_backend
from ..models import (
    InboundMessage,
    Message,
    MessageChannel,
    MessageStatus,
    SkipReason,
    care_settings,
)

logger = logging.getLogger("siwei.messaging")

CAP_WINDOW = dt.timedelta(days=30)
# The consent field of the customer for each message channel (CS-1).
CONSENT_FIELD = {MessageChannel.SMS: "consent_sms", MessageChannel.WECHAT: "consent_wechat"}
# Replies that mean "stop sending me marketing": whole-message codes (case-insensitive) …
OPT_OUT_CODES = frozenset({"T", "TD", "N", "QX", "0000", "STOP", "UNSUBSCRIBE", "UNSUB"})
# … and Chinese words anywhere in the reply (退订, 退定 typo, 取消订阅, 拒收, 别再发 …).
OPT_OUT_WORDS = ("退订", "退定", "取消订阅", "拒收", "别再发", "不要再发", "不要发了")


def marketing_sent_recently(*, customer, now: dt.datetime | None = None) -> int:
    """Marketing messages queued or sent to the customer in the rolling 30 days."""
    now = now or clock.now()
    return Message.objects.filter(
        customer=customer, is_marketing=True, created_at__gt=now - CAP_WINDOW,
        status__in=[MessageStatus.QUEUED, MessageStatus.SENT]).count()


def skip_reason_for(*, customer, channel: str, to: str, is_marketing: bool,
                    recent_marketing: int, cap: int) -> str:
    """Why the message may not go, or ``""``. Consent (CS-1) is *marketing* consent per
    channel, so only marketing needs it (quality.md: "marketing messages only with
    consent"); service messages (reminders, confirmations) need a number only."""
    if not to:
        return SkipReason.NO_ADDRESS
    if is_marketing:
        field = CONSENT_FIELD.get(channel)
        if customer is None or field is None or not getattr(customer, field):
            return SkipReason.NO_CONSENT
        if recent_marketing >= cap:
            return SkipReason.FREQUENCY_CAP
    return SkipReason.NONE


@service_transaction
def message_queue(*, store, customer, channel: str, body: str, follow_up=None, campaign=None,
                  is_marketing: bool = False, to: str = "") -> Message:
    """Queue one message for delivery, or record it as skipped with the reason (no mobile,
    no consent for marketing on that channel, the marketing cap of the store's care
    settings per rolling 30 days). A campaign reaches a customer once: queuing it again
    returns the first message."""
    if channel not in MessageChannel.values:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        raise ValidationError({"channel": [_("Unknown channel.")]})
    if campaign is not None and customer is not None:
        existing = Message.objects.filter(campaign=campaign, customer=customer).first()
        if existing is not None:
            return existing
    recent = 0
    if is_marketing and customer is not None:
        # Lock the customer so that two senders cannot both pass the cap.
        type(customer).objects.select_for_update().filter(pk=customer.pk).first()
        recent = marketing_sent_recently(customer=customer)
    to = normalize_mobile(to or (customer.mobile if customer is not None else "") or "")
    reason = skip_reason_for(customer=customer, channel=channel, to=to,
                             is_marketing=is_marketing, recent_marketing=recent,
                             cap=care_settings(store).marketing_cap if is_marketing else 0)
    message = Message(store=store, customer=customer, channel=channel, to=to, body=body,
                      campaign=campaign, follow_up=follow_up, is_marketing=is_marketing,
                      status=MessageStatus.SKIPPED if reason else MessageStatus.QUEUED,
                      skip_reason=reason, created_at=clock.now())
    if campaign is None:  # only a campaign's message is unique (per customer)
        message.save()
        return message
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        # Another sender queued this campaign's message for the customer just now.
        return Message.objects.get(campaign=campaign, customer=customer)
    return message


def _still_consents(message: Message) -> bool:
    """Does the customer still consent to marketing on the message's channel, read now
    (CS-1, CR-11: consent is checked again just before sending)?"""
    from siwei.crm.models import Customer

    field = CONSENT_FIELD.get(message.channel)
    if message.customer_id is None or field is None:
        return False
    return Customer.objects.filter(pk=message.customer_id, **{field: True}).exists()


def _deliver_one(pk: int, backend: Backend) -> str | None:
    """Send one queued message under a row lock; ``None`` when another worker has it or it
    is no longer queued."""
    with transaction.atomic():
        message = (Message.objects.select_for_update(skip_locked=True, of=("self",))
                   .select_related("store").filter(pk=pk, status=MessageStatus.QUEUED).first())
        if message is None:
            return None
        if message.is_marketing and not _still_consents(message):
            # Consent withdrawn (an opt-out reply, an edit, an erasure) after queuing.
            message.status, message.skip_reason = MessageStatus.SKIPPED, SkipReason.NO_CONSENT
            message.save(update_fields=["status", "skip_reason"])
            return message.status
        message.backend = backend.name
        try:
            message.provider_id = (backend.send(message) or "")[:80]
        except DeliveryError as exc:
            message.status, message.error = MessageStatus.FAILED, str(exc)[:300]
            logger.warning("message %s failed: %s", message.pk, exc)
        else:
            message.status, message.error, message.sent_at = MessageStatus.SENT, "", clock.now()
        message.save(update_fields=["status", "error", "sent_at", "backend", "provider_id"])
        return message.status


def messages_deliver_queued(*, limit: int = 500, backend: Backend | None = None,
                            campaign=None) -> int:
    """Send up to ``limit`` queued messages, oldest first, through the configured backend;
    each ends sent or failed (with the error). Each message is locked while it is sent
    (``SKIP LOCKED`` on PostgreSQL) and re-checked to be still queued, so two workers never
    send one message twice. ``campaign`` delivers only that campaign's messages. Returns
    the number sent."""
    backend = backend or get_backend()
    queued = Message.objects.filter(status=MessageStatus.QUEUED)
    if campaign is not None:
        queued = queued.filter(campaign=campaign)
    ids = list(queued.order_by("created_at", "id").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in ids if _deliver_one(pk, backend) == MessageStatus.SENT)


def is_opt_out(body: str) -> bool:
    """Is the reply an opt-out (退订, TD, T, 退订回T …), case and punctuation ignored."""
    compact = re.sub(r"[\W_]+", "", body or "").upper()
    if not compact:
        return False
    return compact in OPT_OUT_CODES or any(word in compact for word in OPT_OUT_WORDS)


def _sender_mobile(sender: str) -> str:
    mobile = normalize_mobile(sender or "")
    digits = re.sub(r"\D", "", mobile)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits if len(digits) == 11 else mobile


@service_transaction
def message_inbound_receive(*, channel: str, sender: str, body: str,
                            store=None) -> InboundMessage:
    """Record a reply. The customer is found by mobile (in ``store`` if given, else in
    every store); an opt-out reply withdraws that channel's consent of every customer with
    the number, through the CRM's consent service (dated and audited)."""
    from siwei.crm.models import Customer
    from siwei.crm.services import customer_set_consent

    channel = channel if channel in MessageChannel.values else MessageChannel.SMS
    mobile = _sender_mobile(sender)
    customers = Customer.objects.filter(mobile=mobile, merged_into__isnull=True) if mobile \
        else Customer.objects.none()
    if store is not None:
        customers = customers.filter(store=store)
    customers = list(customers.order_by("id"))
    opted_out = is_opt_out(body)
    inbound = InboundMessage.objects.create(
        store=store or (customers[0].store if customers else None), channel=channel,
        sender=mobile[:40], body=body, received_at=clock.now(),
        customer=customers[0] if customers else None, opted_out=opted_out)
    if opted_out:
        field = CONSENT_FIELD[channel]
        for customer in customers:
            if getattr(customer, field):
                customer_set_consent(actor=None, customer=customer,
                                     channel=field.removeprefix("consent_"), given=False)
    return inbound

