"""Invoices (发票, FN-3): a record of each tax invoice issued; Siwei does not talk to the
tax system. Lines carry their own VAT rate; net and tax are split per line."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siwei.core.enums import Transitions, colored
from siwei.core.fields import MoneyField, QuantityField
from siwei.core.scoping import StoreOwnedModel

USER = settings.AUTH_USER_MODEL


class InvoiceKind(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary VAT invoice")
    SPECIAL = "special", _("Special VAT invoice")


@colored(issued="success", void="secondary")
class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    VOID = "void", _("Void")


INVOICE_FLOW = Transitions({
    "void": ([InvoiceStatus.ISSUED], InvoiceStatus.VOID),
})


class Invoice(StoreOwnedModel):
    """One tax invoice (普通发票 or 增值税专用发票) as typed in by the clerk, for a sales
    order, a repair order or nothing in Siwei."""

    number = models.CharField(_("invoice number"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=InvoiceKind,
                            default=InvoiceKind.ORDINARY)
    buyer_name = models.CharField(_("buyer"), max_length=100)
    buyer_tax_id = models.CharField(_("buyer tax ID"), max_length=18, blank=True)
    sales_order = models.ForeignKey("sales.SalesOrder", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="invoices",
                                    verbose_name=_("sales order"))
    repair_order = models.ForeignKey("service.RepairOrder", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="invoices",
                                     verbose_name=_("repair order"))
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+",
                                  verbose_name=_("issued by"))
    status = models.CharField(_("status"), max_length=10, choices=InvoiceStatus,
                              default=InvoiceStatus.ISSUED, editable=False)
    void_reason = models.CharField(_("void reason"), max_length=200, blank=True,
                                   editable=False)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", editable=False)
    amount_net = MoneyField(_("amount excluding tax"), editable=False)
    tax = MoneyField(_("tax"), editable=False)
    total = MoneyField(_("total"), editable=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_at", "-id"]
        default_permissions = ("view", "add")
        permissions = [("void_invoice", _("Can void invoices"))]
        constraints = [
            models.UniqueConstraint(fields=["store", "number"], name="fin_invoice_number"),
        ]
        indexes = [models.Index(fields=["store", "issued_at"], name="fin_invoice_store_at"),
                   models.Index(fields=["store", "status"], name="fin_invoice_status")]

    def __str__(self) -> str:
        return self.number

    @property
    def source(self):
        return self.sales_order or self.repair_order


class InvoiceLine(models.Model):
    """One line: quantity × unit price (tax included) = amount; amount = net + tax,
    split at the line's rate and rounded half up to the cent per line."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    description = models.CharField(_("description"), max_length=100)
    quantity = QuantityField(_("quantity"), default=Decimal("1.000"))
    unit_price = MoneyField(_("unit price incl. tax"))
    amount = MoneyField(_("amount"))
    tax_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=4)
    amount_net = MoneyField(_("amount excluding tax"))
    tax = MoneyField(_("tax"))

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["id"]
        default_permissions = ()

    def __str__(self) -> str:
        return self.description
