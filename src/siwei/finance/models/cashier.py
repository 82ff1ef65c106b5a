"""The cashier's day (日结, FN-2) and refunds waiting for a manager (FN-1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siwei.core.fields import MoneyField
from siwei.core.scoping import StoreOwnedModel

from .payments import PaymentMethod

USER = settings.AUTH_USER_MODEL


class DailyCloseStatus(models.TextChoices):
    CLOSED = "closed", _("Closed")
    REVIEWED = "reviewed", _("Reviewed")


class DailyClose(StoreOwnedModel):
    """One cashier's business day, closed once: the totals per method of the day's
    payments, the cash expected in the drawer and the cash counted. After the close no
    payment of that cashier may be dated in that day."""

    cashier = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("cashier"))
    day = models.DateField(_("business day"))
    totals = models.JSONField(_("totals per method"), default=dict, blank=True,
                              help_text="method code -> amount as a decimal string")
    payments_count = models.PositiveIntegerField(_("payments"), default=0)
    total = MoneyField(_("total"))
    expected_cash = MoneyField(_("expected cash"))
    counted_cash = MoneyField(_("counted cash"))
    difference = MoneyField(_("difference"))
    reason = models.CharField(_("reason for the difference"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=DailyCloseStatus,
                              default=DailyCloseStatus.CLOSED, editable=False)
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("closed by"))
    reviewed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("daily close")
        verbose_name_plural = _("daily closes")
        ordering = ["-day", "cashier_id"]
        default_permissions = ("view", "add")
        permissions = [("close_any_day", _("Can close another cashier's day")),
                       ("review_dailyclose", _("Can review daily closes"))]
        constraints = [models.UniqueConstraint(fields=["store", "cashier", "day"],
                                               name="fin_dailyclose_one_per_day")]
        indexes = [models.Index(fields=["store", "day"], name="fin_dailyclose_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.cashier}"

    def method_rows(self) -> list[tuple[str, str, str]]:
        """(code, label, amount) for every method, in the order of ``PaymentMethod``."""
        return [(code, label, self.totals.get(code, "0.00"))
                for code, label in PaymentMethod.choices]


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved and paid out")
    REJECTED = "rejected", _("Rejected")


class RefundRequest(StoreOwnedModel):
    """A refund asked for by a cashier; a manager's approval records it as a negative
    payment in the cashier's name (FN-1)."""

    sales_order = models.ForeignKey("sales.SalesOrder", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name=_("sales order"))
    repair_order = models.ForeignKey("service.RepairOrder", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("repair order"))
    amount = MoneyField(_("amount to refund"))
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    corrects = models.ForeignKey("finance.Payment", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+",
                                 verbose_name=_("corrects receipt"))
    status = models.CharField(_("status"), max_length=20, choices=RefundStatus,
                              default=RefundStatus.PENDING, editable=False)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    payment = models.OneToOneField("finance.Payment", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="refund_request",
                                   verbose_name=_("refund payment"))

    class Meta:
        verbose_name = _("refund request")
        verbose_name_plural = _("refund requests")
        ordering = ["-requested_at", "-id"]
        default_permissions = ("view", "add")
        indexes = [models.Index(fields=["store", "status"], name="fin_refundreq_status")]

    def __str__(self) -> str:
        return f"{self.amount} {self.get_method_display()}"

    @property
    def order(self):
        return self.sales_order or self.repair_order
