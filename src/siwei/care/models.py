"""Follow-up tasks (回访, CR-1). Other departments' events create them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siwei.core.enums import colored
from siwei.core.scoping import StoreOwnedModel

USER = settings.AUTH_USER_MODEL


class FollowUpKind(models.TextChoices):
    """CR-2 after a sale; more kinds join with the service and care departments."""

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

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ["due_at", "id"]
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
