"""Follow-up tasks (回访, CR-1). Other departments' events and the scheduler create them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siwei.core.enums import colored
from siwei.core.scoping import StoreOwnedModel

USER = settings.AUTH_USER_MODEL


class FollowUpKind(models.TextChoices):
    """CR-2 after a sale, CR-3 after a service visit, CR-5 reminders and care."""

    SALE_THANKS = "sale_thanks", _("Thank-you message after delivery")
    SALE_FIRST_CALL = "sale_first_call", _("First call after delivery (24 h)")
    SALE_SECOND_CALL = "sale_second_call", _("Second call after delivery (7 days)")
    SALE_BIMONTHLY = "sale_bimonthly", _("Two-monthly contact in the first year")
    BIRTHDAY = "birthday", _("Birthday greeting")
    PURCHASE_ANNIVERSARY = "purchase_anniversary", _("Purchase anniversary")
    APPOINTMENT_DAY_BEFORE = "appointment_day_before", _("Appointment confirmation (day before)")
    APPOINTMENT_HOUR_BEFORE = "appointment_hour_before", _(
        "Appointment reminder (hour before)")
    SERVICE_CALL = "service_call", _("Call after a service visit")
    MAINTENANCE_DUE = "maintenance_due", _("Maintenance due reminder")
    FIRST_MAINTENANCE = "first_maintenance", _("First maintenance not yet done")
    INSURANCE_EXPIRY = "insurance_expiry", _("Insurance expiry reminder")
    WARRANTY_ENDING = "warranty_ending", _("Warranty ending reminder")
    CHURN_WINBACK = "churn_winback", _("Churned owner win-back")
    LOST_LEAD_REVISIT = "lost_lead_revisit", _("Lost lead revisit")
    COMPLAINT_CALLBACK = "complaint_callback", _("Complaint callback")


@colored(pending="primary", done="success", unreachable="warning", cancelled="secondary")
class FollowUpStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    UNREACHABLE = "unreachable", _("Unreachable")
    CANCELLED = "cancelled", _("Cancelled")


class FollowUpChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    VISIT = "visit", _("Visit")
    LETTER = "letter", _("Letter")


class FollowUp(StoreOwnedModel):
    kind = models.CharField(_("kind"), max_length=30, choices=FollowUpKind)
    customer = models.ForeignKey("crm.Customer", on_delete=models.PROTECT,
                                 related_name="follow_ups", verbose_name=_("customer"))
    vehicle = models.ForeignKey("crm.Vehicle", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    due_at = models.DateTimeField(_("due"))
    assignee = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("assignee"))
    assignee_role = models.CharField(_("role queue"), max_length=40, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=FollowUpChannel,
                               default=FollowUpChannel.PHONE)
    status = models.CharField(_("status"), max_length=20, choices=FollowUpStatus,
                              default=FollowUpStatus.PENDING, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    result = models.TextField(_("result"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", editable=False)
    questionnaire = models.ForeignKey("care.Questionnaire", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+",
                                      verbose_name=_("questionnaire"))
    # Outcome links (CR-1): what the contact led to.
    appointment = models.ForeignKey("service.Appointment", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("appointment booked"))
    feedback = models.ForeignKey("care.Feedback", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+",
                                 verbose_name=_("complaint opened"))
    created_at = models.DateTimeField(null=True, blank=True, auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ["due_at", "id"]
        permissions = [("supervise_followup", _("See and reassign everyone's follow-ups"))]
        constraints = [
            # Creating the tasks of one event twice creates nothing twice.
            models.UniqueConstraint(fields=["kind", "source_type", "source_id", "due_at"],
                                    name="care_followup_once"),
        ]
        indexes = [
            models.Index(fields=["store", "status", "due_at"], name="care_fu_store_due"),
            models.Index(fields=["store", "assignee", "status"], name="care_fu_store_assignee"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_at:%Y-%m-%d}"


class AttemptOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    UNREACHABLE = "unreachable", _("Unreachable")


class FollowUpAttempt(models.Model):
    """One try to reach the customer (CR-1: up to 3 tries on different days)."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=12, choices=AttemptOutcome)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.outcome}"
