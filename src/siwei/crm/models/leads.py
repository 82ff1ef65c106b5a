"""Leads, contacts and the showroom log (CS-6 … CS-9)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from siwei.core.enums import colored
from siwei.core.scoping import StoreOwnedModel

from .customers import Customer, VehicleModel

USER = settings.AUTH_USER_MODEL


class LeadGrade(models.TextChoices):
    """CS-6: O ordered, H within 7 days, A within a month, B 1–3 months, C later."""

    O = "O", _("O · ordered, not delivered")  # noqa: E741 - the grade's name
    H = "H", _("H · buys within 7 days")
    A = "A", _("A · buys within a month")
    B = "B", _("B · buys in 1–3 months")
    C = "C", _("C · later or undecided")


DEFAULT_FOLLOW_UP_DAYS = {"O": 7, "H": 2, "A": 7, "B": 15, "C": 30}


class LeadSource(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("Phone call")
    ONLINE = "online", _("Online")
    REFERRAL = "referral", _("Referral")
    EVENT = "event", _("Event")
    FLEET = "fleet", _("Fleet")
    INTERNAL = "internal", _("Internal")


@colored(open="primary", loss_requested="warning", won="success", lost="secondary",
         dormant="light")
class LeadStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("lead status", "Open")
    LOSS_REQUESTED = "loss_requested", pgettext_lazy("lead status", "Loss awaiting approval")
    WON = "won", pgettext_lazy("lead status", "Won")
    LOST = "lost", pgettext_lazy("lead status", "Lost")
    DORMANT = "dormant", pgettext_lazy("lead status", "Dormant")


class LossReason(models.TextChoices):
    """CS-8 reasons for a lost lead (战败原因)."""

    OTHER_BRAND = "other_brand", pgettext_lazy("loss reason", "Bought another brand")
    SAME_BRAND_ELSEWHERE = "same_brand_elsewhere", pgettext_lazy(
        "loss reason", "Bought the same brand elsewhere")
    PRICE = "price", pgettext_lazy("loss reason", "Price")
    FINANCING_REFUSED = "financing_refused", pgettext_lazy("loss reason", "Financing refused")
    POSTPONED = "postponed", pgettext_lazy("loss reason", "Purchase postponed")
    UNREACHABLE = "unreachable", pgettext_lazy("loss reason", "Unreachable")
    OTHER = "other", pgettext_lazy("loss reason", "Other")


class FollowUpInterval(StoreOwnedModel):
    """A store's follow-up interval for a grade; missing rows use the defaults of CS-6."""

    grade = models.CharField(_("grade"), max_length=1, choices=LeadGrade)
    days = models.PositiveSmallIntegerField(_("days"))

    class Meta:
        verbose_name = _("follow-up interval")
        verbose_name_plural = _("follow-up intervals")
        constraints = [
            models.UniqueConstraint(fields=["store", "grade"], name="crm_interval_unique")
        ]

    def __str__(self) -> str:
        return f"{self.grade}: {self.days}"


class Lead(StoreOwnedModel):
    """A purchase intention (意向客户) graded O/H/A/B/C."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="leads",
                                 verbose_name=_("customer"))
    models_of_interest = models.ManyToManyField(VehicleModel, blank=True, related_name="+",
                                                verbose_name=_("models of interest"))
    source = models.CharField(_("source"), max_length=20, choices=LeadSource)
    referrer = models.ForeignKey(Customer, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="referred_leads", verbose_name=_("referred by"))
    consultant = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("consultant"))
    grade = models.CharField(_("grade"), max_length=1, choices=LeadGrade)
    status = models.CharField(_("status"), max_length=20, choices=LeadStatus,
                              default=LeadStatus.OPEN, editable=False)
    created_at = models.DateTimeField(_("created"))
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True,
                                           editable=False)
    next_follow_up_at = models.DateTimeField(_("next follow-up"), null=True, blank=True,
                                             editable=False)
    contact_count = models.PositiveIntegerField(_("contacts"), default=0, editable=False)
    loss_reason = models.CharField(_("loss reason"), max_length=30, choices=LossReason,
                                   blank=True, editable=False)
    loss_detail = models.CharField(_("loss details"), max_length=200, blank=True,
                                   editable=False)
    loss_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    loss_decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["next_follow_up_at", "id"]
        permissions = [
            ("approve_lead_loss", _("Can approve lost leads")),
            ("view_all_leads", _("Can see every consultant's leads")),
        ]
        indexes = [
            models.Index(fields=["store", "status", "next_follow_up_at"],
                         name="crm_lead_store_due"),
            models.Index(fields=["store", "consultant", "status"], name="crm_lead_store_cons"),
            models.Index(fields=["store", "customer"], name="crm_lead_store_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} ({self.grade})"


class ActivityType(models.TextChoices):
    """CS-7 contact types."""

    STORE_VISIT = "store_visit", _("Store visit")
    CALL = "call", _("Call")
    TEST_DRIVE = "test_drive", _("Test drive")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    HOME_VISIT = "home_visit", _("Home visit")
    MAIL = "mail", _("Mail")


class Activity(StoreOwnedModel):
    """A contact with a customer (接触记录)."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="activities")
    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="activities")
    type = models.CharField(_("type"), max_length=20, choices=ActivityType)
    at = models.DateTimeField(_("time"))
    content = models.TextField(_("content"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    grade_before = models.CharField(max_length=1, blank=True, editable=False)
    grade_after = models.CharField(max_length=1, blank=True, editable=False)
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["store", "at"], name="crm_act_store_at"),
            models.Index(fields=["store", "user", "at"], name="crm_act_store_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.at:%Y-%m-%d}"


class VisitKind(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    CALL = "call", _("Inbound call")


class ShowroomVisit(StoreOwnedModel):
    """The receptionist's log of walk-ins and inbound calls (来店/来电登记, CS-9)."""

    kind = models.CharField(_("kind"), max_length=10, choices=VisitKind)
    time_in = models.DateTimeField(_("time in"))
    time_out = models.DateTimeField(_("time out"), null=True, blank=True)
    party_size = models.PositiveSmallIntegerField(_("party size"), default=1)
    first_visit = models.BooleanField(_("first visit"), default=True)
    models_of_interest = models.ManyToManyField(VehicleModel, blank=True, related_name="+",
                                                verbose_name=_("models of interest"))
    consultant = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("consultant"))
    visitor_name = models.CharField(_("visitor name"), max_length=50, blank=True)
    visitor_mobile = models.CharField(_("visitor mobile"), max_length=11, blank=True)
    customer = models.ForeignKey(Customer, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="visits")
    lead = models.ForeignKey(Lead, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="visits")
    test_drive = models.BooleanField(_("test drive"), default=False)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    logged_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("showroom visit")
        verbose_name_plural = _("showroom visits")
        ordering = ["-time_in"]
        indexes = [models.Index(fields=["store", "time_in"], name="crm_visit_store_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.time_in:%Y-%m-%d %H:%M}"

    @property
    def info_left(self) -> bool:
        """留档: contact information captured."""
        return bool(self.visitor_mobile or self.customer_id)
