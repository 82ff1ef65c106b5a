"""Complaints and feedback (投诉/反馈, CR-6 … CR-9)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from siwei.core.enums import colored
from siwei.core.fields import MoneyField
from siwei.core.scoping import StoreOwnedModel

USER = settings.AUTH_USER_MODEL


class FeedbackChannel(models.TextChoices):
    PHONE = "phone", pgettext_lazy("feedback channel", "Phone")
    SMS = "sms", pgettext_lazy("feedback channel", "SMS")
    EMAIL = "email", _("E-mail")
    CHAT = "chat", _("Online chat")
    SOCIAL = "social", _("Social media")
    SURVEY = "survey", _("Survey")
    WALK_IN = "walk_in", _("Walk-in")
    FOLLOW_UP = "follow_up", _("Follow-up call")
    OEM_HOTLINE = "oem_hotline", _("OEM hotline")


class FeedbackKind(models.TextChoices):
    COMPLAINT = "complaint", pgettext_lazy("feedback kind", "Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    PRAISE = "praise", _("Praise")
    INQUIRY = "inquiry", _("Inquiry")


class FeedbackCategory(models.TextChoices):
    SALES = "sales", pgettext_lazy("feedback category", "Sales")
    SERVICE_QUALITY = "service_quality", _("Service quality")
    PARTS = "parts", pgettext_lazy("feedback category", "Parts")
    PRICE = "price", pgettext_lazy("feedback category", "Price")
    STAFF_ATTITUDE = "staff_attitude", _("Staff attitude")
    WAITING_TIME = "waiting_time", _("Waiting time")
    FACILITIES = "facilities", _("Facilities")
    PRODUCT_QUALITY = "product_quality", _("Product quality")


class Severity(models.TextChoices):
    LOW = "low", pgettext_lazy("severity", "Low")
    MEDIUM = "medium", pgettext_lazy("severity", "Medium")
    HIGH = "high", pgettext_lazy("severity", "High")


class Department(models.TextChoices):
    SALES = "sales", pgettext_lazy("department", "Sales")
    SERVICE = "service", pgettext_lazy("department", "Service")
    PARTS = "parts", pgettext_lazy("department", "Parts")
    CARE = "care", pgettext_lazy("department", "Customer service")
    ADMIN = "admin", pgettext_lazy("department", "Administration")


@colored(received="danger", acknowledged="warning", in_progress="primary", resolved="info",
         closed="success", reopened="danger")
class FeedbackStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("feedback status", "Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


class Feedback(StoreOwnedModel):
    """One piece of feedback from any channel (CR-6); complaints run against the SLA
    (CR-7): acknowledged within 24 h and resolved within 48 h of receipt."""

    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    channel = models.CharField(pgettext_lazy("feedback", "channel"), max_length=15,
                               choices=FeedbackChannel)
    customer = models.ForeignKey("crm.Customer", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="feedback",
                                 verbose_name=_("customer"))
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    vehicle = models.ForeignKey("crm.Vehicle", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("vehicle"))
    subject = models.CharField(_("subject"), max_length=120)
    content = models.TextField(_("content"))
    received_at = models.DateTimeField(pgettext_lazy("feedback", "received"))
    kind = models.CharField(_("type"), max_length=12, choices=FeedbackKind)
    category = models.CharField(_("category"), max_length=20, choices=FeedbackCategory)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity,
                                default=Severity.MEDIUM)
    # CR-8: what the classifier suggested, kept to report its accuracy.
    suggested_kind = models.CharField(_("suggested type"), max_length=12,
                                      choices=FeedbackKind, blank=True, editable=False)
    suggested_category = models.CharField(_("suggested category"), max_length=20,
                                          choices=FeedbackCategory, blank=True, editable=False)
    department = models.CharField(_("department"), max_length=10, choices=Department,
                                  blank=True)
    sales_order = models.ForeignKey("sales.SalesOrder", on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("sales order"))
    repair_order = models.ForeignKey("service.RepairOrder", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("repair order"))
    staff = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("staff concerned"))
    follow_up = models.ForeignKey("care.FollowUp", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+",
                                  verbose_name=_("from follow-up"))
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=pgettext_lazy("feedback", "owner"))
    status = models.CharField(_("status"), max_length=15, choices=FeedbackStatus,
                              default=FeedbackStatus.RECEIVED, editable=False)
    acknowledge_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True,
                                              editable=False)
    resolve_due_at = models.DateTimeField(_("resolve by"), null=True, blank=True,
                                          editable=False)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True,
                                           editable=False)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    solution = models.TextField(_("solution"), blank=True)
    compensation = MoneyField(_("compensation"), default=0)
    root_cause = models.TextField(_("root cause"), blank=True)
    # 0 none, 1 department manager, 2 store manager (CR-7).
    escalation_level = models.PositiveSmallIntegerField(_("escalation"), default=0,
                                                        editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    close_attempts = models.PositiveSmallIntegerField(_("confirmation attempts"), default=0,
                                                      editable=False)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0,
                                                    editable=False)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                   editable=False)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-received_at", "-id"]
        permissions = [("analyse_feedback",
                        _("Analyse complaints and decide corrective actions"))]
        indexes = [
            models.Index(fields=["store", "status", "received_at"], name="care_fb_store_status"),
            models.Index(fields=["store", "received_at"], name="care_fb_store_received"),
            models.Index(fields=["store", "customer"], name="care_fb_store_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"


class FeedbackEvent(models.Model):
    """Every state change of a feedback record, timed (CR-7), and escalations."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(max_length=15, blank=True)
    to_status = models.CharField(max_length=15, blank=True)
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("feedback event")
        verbose_name_plural = _("feedback events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"


class ActionKind(models.TextChoices):
    CORRECTIVE = "corrective", _("Corrective")
    PREVENTIVE = "preventive", _("Preventive")


class FeedbackAction(models.Model):
    """A corrective or preventive action decided by the manager (CR-9)."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("kind"), max_length=12, choices=ActionKind)
    description = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                              verbose_name=pgettext_lazy("feedback", "owner"))
    due_date = models.DateField(_("due date"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("corrective or preventive action")
        verbose_name_plural = _("corrective and preventive actions")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.description


class ClassifierTerm(models.Model):
    """A weighted keyword of the complaint classifier (CR-8), learned per group from
    staff-confirmed records. ``field`` is ``kind`` or ``category``."""

    group = models.ForeignKey("core.DealerGroup", on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=10)
    label = models.CharField(max_length=20)
    term = models.CharField(max_length=30)
    weight = models.FloatField()

    class Meta:
        verbose_name = _("classifier keyword")
        verbose_name_plural = _("classifier keywords")
        constraints = [models.UniqueConstraint(fields=["group", "field", "label", "term"],
                                               name="care_classifier_term")]

    def __str__(self) -> str:
        return f"{self.field}:{self.label}:{self.term}"
