"""Receivables (应收账款, FN-4): open amounts owed by the OEM (warranty claims),
insurers (accident repairs), company customers on credit and financing banks, with
receipts matched to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siwei.core.fields import MoneyField
from siwei.core.scoping import StoreOwnedModel

USER = settings.AUTH_USER_MODEL


class DebtorKind(models.TextChoices):
    OEM = "oem", _("OEM")
    INSURER = "insurer", _("Insurer")
    CREDIT_CUSTOMER = "credit_customer", _("Credit customer")
    BANK = "bank", _("Financing bank")


class CreditAccount(StoreOwnedModel):
    """A company customer allowed to buy on credit (挂账): its limit and payment terms."""

    customer = models.OneToOneField("crm.Customer", on_delete=models.PROTECT,
                                    related_name="credit_account",
                                    verbose_name=_("customer"))
    credit_limit = MoneyField(_("credit limit"))
    terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("credit account")
        verbose_name_plural = _("credit accounts")
        ordering = ["customer__name"]
        default_permissions = ("view", "change")

    def __str__(self) -> str:
        return str(self.customer)


class Receivable(StoreOwnedModel):
    """An amount a debtor owes the store for one source document. One item per source
    document and debtor kind."""

    debtor_kind = models.CharField(_("debtor kind"), max_length=20, choices=DebtorKind)
    debtor_name = models.CharField(_("debtor"), max_length=100)
    customer = models.ForeignKey("crm.Customer", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name=_("customer"))
    warranty_claim = models.ForeignKey("service.WarrantyClaim", on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="+",
                                       verbose_name=_("warranty claim"))
    repair_order = models.ForeignKey("service.RepairOrder", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("repair order"))
    sales_order = models.ForeignKey("sales.SalesOrder", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+",
                                    verbose_name=_("sales order"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    amount = MoneyField(_("amount"))
    open_amount = MoneyField(_("open amount"), editable=False)
    arose_on = models.DateField(_("date"))
    due_date = models.DateField(_("due date"))
    created_at = models.DateTimeField(_("created"), editable=False)

    class Meta:
        verbose_name = _("receivable")
        verbose_name_plural = _("receivables")
        ordering = ["due_date", "id"]
        default_permissions = ("view", "add")
        constraints = [
            models.UniqueConstraint(fields=["warranty_claim", "debtor_kind"],
                                    condition=models.Q(warranty_claim__isnull=False),
                                    name="fin_recv_claim_debtor"),
            models.UniqueConstraint(fields=["repair_order", "debtor_kind"],
                                    condition=models.Q(repair_order__isnull=False,
                                                       warranty_claim__isnull=True),
                                    name="fin_recv_ro_debtor"),
            models.UniqueConstraint(fields=["sales_order", "debtor_kind"],
                                    condition=models.Q(sales_order__isnull=False),
                                    name="fin_recv_so_debtor"),
        ]
        indexes = [
            models.Index(fields=["store", "debtor_kind", "debtor_name"], name="fin_recv_debtor"),
            models.Index(fields=["store", "due_date"], name="fin_recv_due"),
        ]

    def __str__(self) -> str:
        return f"{self.debtor_name} {self.amount}"

    @property
    def source(self):
        return self.warranty_claim or self.repair_order or self.sales_order

    @property
    def is_open(self) -> bool:
        return self.open_amount > 0


class ReceivableReceipt(StoreOwnedModel):
    """Money received from a debtor (回款), matched to one or more of its items."""

    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    debtor_kind = models.CharField(_("debtor kind"), max_length=20, choices=DebtorKind)
    debtor_name = models.CharField(_("debtor"), max_length=100)
    amount = MoneyField(_("amount"))
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True,
                                    related_name="+", verbose_name=_("recorded by"))
    at = models.DateTimeField(_("recorded"), editable=False)

    class Meta:
        verbose_name = _("receivable receipt")
        verbose_name_plural = _("receivable receipts")
        ordering = ["-received_on", "-id"]
        default_permissions = ("view", "add")

    def __str__(self) -> str:
        return self.number


class ReceiptMatch(models.Model):
    """The part of a receipt that settles one receivable."""

    receipt = models.ForeignKey(ReceivableReceipt, on_delete=models.CASCADE,
                                related_name="matches")
    receivable = models.ForeignKey(Receivable, on_delete=models.PROTECT,
                                   related_name="matches")
    amount = MoneyField(_("amount"))

    class Meta:
        verbose_name = _("receipt match")
        verbose_name_plural = _("receipt matches")
        ordering = ["id"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.receipt_id} → {self.receivable_id}: {self.amount}"
