"""Segments and campaigns (CR-10, CR-11): saved filters, message templates with
placeholders, scheduling, and the scheduler's sending of due campaigns."""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.enums import Transitions
from siwei.core.errors import DomainError
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction
from siwei.core.validators import normalize_mobile

from ..models import (
    Campaign,
    CampaignStatus,
    Message,
    MessageChannel,
    MessageStatus,
    Segment,
    care_settings,
)
from .messaging import CAP_WINDOW, skip_reason_for

PLACEHOLDERS = ("name", "plate", "model", "due_date", "store_phone")

C = CampaignStatus
CAMPAIGN_FLOW = Transitions({
    "edit": ([C.DRAFT], C.DRAFT),
    "schedule": ([C.DRAFT], C.SCHEDULED),
    "cancel": ([C.DRAFT, C.SCHEDULED], C.CANCELLED),
    "send": ([C.SCHEDULED], C.SENT),
})


def _check(actor, store, perm: str) -> None:
    """``actor=None`` is the system (scheduler, demo)."""
    if actor is not None and not has_store_perm(actor, store, perm):
        raise PermissionDenied(_("You may not do this in this store."))


# --- segments (CR-10) -----------------------------------------------------------------


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("This field is required.")]})
    return name[:100]


@service_transaction
def segment_create(*, actor, store, name: str, filters: dict[str, Any]) -> Segment:
    from ..forms_campaigns import clean_filters

    _check(actor, store, "care.add_segment")
    segment = Segment.objects.create(store=store, name=_clean_name(name),
                                     filters=clean_filters(store=store, filters=filters),
                                     created_by=actor)
    audit_record(actor=actor, action="segment.create", obj=segment,
                 after={"name": segment.name, "filters": segment.filters})
    return segment


@service_transaction
def segment_update(*, actor, segment: Segment, name: str | None = None,
                   filters: dict[str, Any] | None = None) -> Segment:
    from ..forms_campaigns import clean_filters

    _check(actor, segment.store, "care.change_segment")
    before = {"name": segment.name, "filters": segment.filters}
    if name is not None:
        segment.name = _clean_name(name)
    if filters is not None:
        segment.filters = clean_filters(store=segment.store, filters=filters)
    segment.save(update_fields=["name", "filters"])
    audit_record(actor=actor, action="segment.update", obj=segment, before=before,
                 after={"name": segment.name, "filters": segment.filters})
    return segment


@service_transaction
def segment_delete(*, actor, segment: Segment) -> None:
    """A segment a campaign used stays (the campaign's results refer to it): 409
    ``segment_in_use``."""
    _check(actor, segment.store, "care.change_segment")
    if segment.campaigns.exists():
        raise DomainError("segment_in_use", _("A campaign uses this segment."))
    audit_record(actor=actor, action="segment.delete", obj=segment,
                 before={"name": segment.name, "filters": segment.filters})
    segment.delete()


# --- templates ------------------------------------------------------------------------


def template_check(template: str) -> str:
    """The template, or a 400 naming ``template`` for an unknown or malformed placeholder
    (literal braces are written ``{{`` and ``}}``)."""
    template = (template or "").strip()
    if not template:
        raise ValidationError({"template": [_("This field is required.")]})
    try:
        fields = [(f, spec, conv) for _text, f, spec, conv in string.Formatter().parse(template)
                  if f is not None]
    except ValueError as exc:
        raise ValidationError({"template": [
            _("Unbalanced braces: write {{ and }} for literal braces.")]}) from exc
    unknown = sorted({f"{{{f}}}" for f, spec, conv in fields
                      if f not in PLACEHOLDERS or spec or conv})
    if unknown:
        raise ValidationError({"template": [
            _("Unknown placeholder %(names)s; use %(allowed)s.") % {
                "names": ", ".join(unknown),
                "allowed": ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)}]})
    return template


def _chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def template_render(template: str, *, customer, store) -> str:
    """The message for one recipient of ``segment_recipients`` (``v_plate`` …)."""
    model = " ".join(p for p in (getattr(customer, "v_brand", None),
                                 getattr(customer, "v_model", None)) if p)
    return template.format_map({
        "name": customer.name, "plate": getattr(customer, "v_plate", None) or "",
        "model": model, "due_date": _chinese_date(getattr(customer, "v_due", None)),
        "store_phone": store.phone})


# --- campaigns (CR-11) ----------------------------------------------------------------


def _clean_campaign(store, *, segment, channel: str, send_at) -> None:
    if segment is None or segment.store_id != store.pk:
        raise ValidationError({"segment": [_("Choose a segment of this store.")]})
    if channel not in MessageChannel.values:
        raise ValidationError({"channel": [_("Unknown channel.")]})
    if not isinstance(send_at, dt.datetime):
        raise ValidationError({"send_at": [_("Enter a date and time.")]})


@service_transaction
def campaign_create(*, actor, store, name: str, segment: Segment, template: str,
                    send_at: dt.datetime, channel: str = MessageChannel.SMS) -> Campaign:
    """A draft campaign; ``campaign_schedule`` then sends it at ``send_at``."""
    _check(actor, store, "care.add_campaign")
    _clean_campaign(store, segment=segment, channel=channel, send_at=send_at)
    campaign = Campaign.objects.create(
        store=store, name=_clean_name(name), segment=segment,
        template=template_check(template), channel=channel, send_at=send_at,
        created_by=actor)
    audit_record(actor=actor, action="campaign.create", obj=campaign,
                 after={"segment": segment.pk, "channel": channel, "send_at": send_at})
    return campaign


@service_transaction
def campaign_update(*, actor, campaign: Campaign, **fields: Any) -> Campaign:
    """Change a draft's name, segment, template, channel or send time."""
    _check(actor, campaign.store, "care.change_campaign")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    CAMPAIGN_FLOW.target(campaign.status, "edit")
    unknown = set(fields) - {"name", "segment", "template", "channel", "send_at"}
    if unknown:
        raise ValidationError({f: [_("This field cannot be changed.")] for f in unknown})
    if "name" in fields:
        fields["name"] = _clean_name(fields["name"])
    if "template" in fields:
        fields["template"] = template_check(fields["template"])
    for key, value in fields.items():
        setattr(campaign, key, value)
    _clean_campaign(campaign.store, segment=campaign.segment, channel=campaign.channel,
                    send_at=campaign.send_at)
    campaign.save()
    audit_record(actor=actor, action="campaign.update", obj=campaign,
                 after={k: v for k, v in fields.items() if k != "template"})
    return campaign


def _transition(actor, campaign: Campaign, action: str) -> Campaign:
    _check(actor, campaign.store, "care.send_campaign")
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = locked.status
    locked.status = CAMPAIGN_FLOW.target(locked.status, action)
    locked.save(update_fields=["status"])
    audit_record(actor=actor, action=f"campaign.{action}", obj=locked,
                 before={"status": before}, after={"status": locked.status})
    campaign.status = locked.status
    return locked


@service_transaction
def campaign_schedule(*, actor, campaign: Campaign) -> Campaign:
    """Draft → scheduled: the scheduler sends it once ``send_at`` has come."""
    return _transition(actor, campaign, "schedule")


@service_transaction
def campaign_cancel(*, actor, campaign: Campaign) -> Campaign:
    """A draft or scheduled campaign is cancelled; a sent one cannot be (409)."""
    return _transition(actor, campaign, "cancel")


def campaigns_send_due(*, now: dt.datetime | None = None) -> int:
    """The scheduler's job (every 5 minutes): each scheduled campaign whose time has come
    queues one message per customer of its segment (consent and frequency cap checked,
    refused ones recorded as skipped with the reason) and becomes sent. Safe to run twice
    or in parallel: the campaign is locked while it is sent and the unique (campaign,
    customer) constraint keeps one message per customer. Returns the messages queued."""
    now = now or clock.now()
    due = list(Campaign.objects.filter(status=CampaignStatus.SCHEDULED, send_at__lte=now)
               .order_by("send_at", "id").values_list("pk", flat=True))
    return sum(_campaign_send(pk, now) for pk in due)


@service_transaction
def _campaign_send(pk: int, now: dt.datetime) -> int:
    from ..selectors_campaigns import _count, segment_recipients

    campaign = (Campaign.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("store", "segment")
                .filter(pk=pk, status=CampaignStatus.SCHEDULED).first())
    if campaign is None:
        return 0
    store = campaign.store
    cap = care_settings(store).marketing_cap
    recent = Message.objects.filter(
        customer_id=OuterRef("pk"), is_marketing=True, created_at__gt=now - CAP_WINDOW,
        status__in=[MessageStatus.QUEUED, MessageStatus.SENT])
    recipients = (segment_recipients(store=store, filters=campaign.segment.filters,
                                     today=clock.localnow().date())
                  .exclude(pk__in=Message.objects.filter(campaign=campaign)
                           .values("customer_id"))
                  .annotate(recent_marketing=_count(recent)).order_by("id"))
    messages = []
    for customer in recipients:
        to = normalize_mobile(customer.mobile or "")
        reason = skip_reason_for(customer=customer, channel=campaign.channel, to=to,
                                 is_marketing=True, recent_marketing=customer.recent_marketing,
                                 cap=cap)
        messages.append(Message(
            store=store, customer=customer, channel=campaign.channel, to=to,
            body=template_render(campaign.template, customer=customer, store=store),
            campaign=campaign, is_marketing=True, created_at=now, skip_reason=reason,
            status=MessageStatus.SKIPPED if reason else MessageStatus.QUEUED))
    Message.objects.bulk_create(messages, batch_size=500, ignore_conflicts=True)
    campaign.status = CAMPAIGN_FLOW.target(campaign.status, "send")
    campaign.sent_at = now
    campaign.save(update_fields=["status", "sent_at"])
    queued = sum(1 for m in messages if m.status == MessageStatus.QUEUED)
    audit_record(actor=None, action="campaign.send", obj=campaign,
                 after={"recipients": len(messages), "queued": queued})
    return queued

