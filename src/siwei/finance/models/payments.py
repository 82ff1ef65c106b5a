"""Payments (收款, FN-1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siwei.core.fields import MoneyField
from siwei.core.scoping import StoreOwnedModel

USER = settings.AUTH_USER_MODEL


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Bank card")
    TRANSFER = "transfer", _("Bank transfer")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    LOAN = "loan", _("Loan disbursement")
    VOUCHER = "voucher", _("Voucher")


class PaymentKind(models.TextChoices):
    DEPOSIT = "deposit", _("Deposit")
    BALANCE = "balance", _("Balance")
    REFUND = "refund", _("Refund")
    SETTLEMENT = "settlement", _("Repair settlement")


class Payment(StoreOwnedModel):
    """Money in (or, negative, out) against a sales order or a repair order. Never deleted;
    a mistake is corrected by a refund."""

    receipt_number = models.CharField(_("receipt number"), max_length=40, unique=True,
                                      editable=False)
    sales_order = models.ForeignKey("sales.SalesOrder", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="payments")
    repair_order = models.ForeignKey("service.RepairOrder", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="payments")
    kind = models.CharField(_("kind"), max_length=20, choices=PaymentKind)
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod)
    amount = MoneyField(_("amount"))
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    cashier = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("cashier"))
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    at = models.DateTimeField(_("time"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="corrections",
                                 verbose_name=_("corrects receipt"))

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-at", "-id"]
        default_permissions = ("view", "add")
        permissions = [("approve_refund", _("Can approve refunds"))]
        indexes = [models.Index(fields=["store", "at"], name="fin_payment_store_at"),
                   models.Index(fields=["store", "cashier", "at"], name="fin_payment_cashier")]

    def __str__(self) -> str:
        return self.receipt_number
