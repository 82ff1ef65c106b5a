"""Segments, campaigns and the messages sent or received (CR-10 … CR-12)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from siwei.core.enums import colored
from siwei.core.scoping import StoreOwnedModel

USER = settings.AUTH_USER_MODEL


class MessageChannel(models.TextChoices):
    SMS = "sms", pgettext_lazy("message channel", "SMS")
    WECHAT = "wechat", pgettext_lazy("message channel", "WeChat")


class Segment(StoreOwnedModel):
    """A saved filter over the store's customers and their vehicles (CR-10). ``filters``
    holds the filter form's cleaned values (codes, numbers, ISO dates)."""

    name = models.CharField(_("name"), max_length=100)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@colored(draft="secondary", scheduled="primary", sent="success", cancelled="dark")
class CampaignStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("campaign", "Draft")
    SCHEDULED = "scheduled", pgettext_lazy("campaign", "Scheduled")
    SENT = "sent", pgettext_lazy("campaign", "Sent")
    CANCELLED = "cancelled", pgettext_lazy("campaign", "Cancelled")


class Campaign(StoreOwnedModel):
    """A segment + a message template + a channel + a time (CR-11). The template's
    placeholders: {name}, {plate}, {model}, {due_date}, {store_phone}."""

    name = models.CharField(_("name"), max_length=100)
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="campaigns",
                                verbose_name=_("segment"))
    template = models.TextField(_("message"))
    channel = models.CharField(_("channel"), max_length=10, choices=MessageChannel,
                               default=MessageChannel.SMS)
    send_at = models.DateTimeField(_("send at"))
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus,
                              default=CampaignStatus.DRAFT, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-send_at", "-id"]
        permissions = [("send_campaign", _("Schedule and send campaigns"))]
        indexes = [models.Index(fields=["store", "status", "send_at"],
                                name="care_campaign_due")]

    def __str__(self) -> str:
        return self.name


@colored(queued="secondary", sent="success", failed="danger", skipped="warning")
class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", pgettext_lazy("message", "Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class SkipReason(models.TextChoices):
    NONE = "", "—"
    NO_CONSENT = "no_consent", _("No consent")
    FREQUENCY_CAP = "frequency_cap", _("Frequency cap reached")
    NO_ADDRESS = "no_address", _("No mobile number")


class Message(StoreOwnedModel):
    """One outgoing message, whatever sent it (a campaign, a reminder, a follow-up)."""

    customer = models.ForeignKey("crm.Customer", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name=_("customer"))
    channel = models.CharField(_("channel"), max_length=10, choices=MessageChannel)
    to = models.CharField(_("to"), max_length=40, blank=True)
    body = models.TextField(_("message"))
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="messages")
    follow_up = models.ForeignKey("care.FollowUp", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="messages")
    is_marketing = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus,
                              default=MessageStatus.QUEUED, editable=False)
    skip_reason = models.CharField(_("reason"), max_length=15, choices=SkipReason,
                                   blank=True, editable=False)
    backend = models.CharField(max_length=40, blank=True, editable=False)
    provider_id = models.CharField(max_length=80, blank=True, editable=False)
    error = models.CharField(max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A campaign reaches each customer once, however often its sending is retried.
            models.UniqueConstraint(fields=["campaign", "customer"], name="care_message_once",
                                    condition=models.Q(campaign__isnull=False)),
        ]
        indexes = [
            models.Index(fields=["store", "customer", "created_at"], name="care_msg_customer"),
            models.Index(fields=["store", "status", "created_at"], name="care_msg_status"),
        ]


class InboundMessage(models.Model):
    """A reply received by a messaging backend; 退订/TD withdraws consent (CR-12)."""

    store = models.ForeignKey("core.Store", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    channel = models.CharField(max_length=10, choices=MessageChannel)
    sender = models.CharField(_("from"), max_length=40)
    body = models.TextField(_("message"))
    received_at = models.DateTimeField(_("received"))
    customer = models.ForeignKey("crm.Customer", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    opted_out = models.BooleanField(_("opt-out"), default=False)

    class Meta:
        verbose_name = _("received message")
        verbose_name_plural = _("received messages")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sender}: {self.body[:30]}"
