"""Documents that move stock: purchase orders and receiving (PT-7, PT-8), transfers
between stores (PT-11) and stocktakes (PT-12)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from siwei.core.enums import Transitions, colored
from siwei.core.fields import MoneyField, QuantityField
from siwei.core.scoping import StoreOwnedModel

from .ledger import DocumentRef


@colored(draft="secondary", sent="primary", partly_received="info", received="success",
         closed="dark", cancelled="danger")
class POStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    PARTLY_RECEIVED = "partly_received", _("Partly received")
    RECEIVED = "received", pgettext_lazy("parts", "Received")
    CLOSED = "closed", pgettext_lazy("parts", "Closed")
    CANCELLED = "cancelled", _("Cancelled")


PO_FLOW = Transitions({
    "add_line": ({POStatus.DRAFT}, POStatus.DRAFT),
    "send": ({POStatus.DRAFT}, POStatus.SENT),
    "receive_part": ({POStatus.SENT, POStatus.PARTLY_RECEIVED}, POStatus.PARTLY_RECEIVED),
    "receive_all": ({POStatus.SENT, POStatus.PARTLY_RECEIVED}, POStatus.RECEIVED),
    "close": ({POStatus.PARTLY_RECEIVED, POStatus.RECEIVED}, POStatus.CLOSED),
    "cancel": ({POStatus.DRAFT, POStatus.SENT}, POStatus.CANCELLED),
})


class POKind(models.TextChoices):
    STOCK = "stock", _("Stock replenishment")
    URGENT = "urgent", _("Urgent for a repair order")
    SPOT = "spot", _("Spot purchase")


class PurchaseOrder(DocumentRef, StoreOwnedModel):
    """PT-7 purchase order (采购订单). An urgent order names the repair order it serves
    in the document reference."""

    number = models.CharField(_("number"), max_length=30)
    supplier = models.ForeignKey("parts.Supplier", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("supplier"))
    kind = models.CharField(_("kind"), max_length=10, choices=POKind, default=POKind.STOCK)
    status = models.CharField(_("status"), max_length=20, choices=POStatus,
                              default=POStatus.DRAFT)
    expected_on = models.DateField(_("expected on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "number"], name="parts_po_number_unique")
        ]
        indexes = [models.Index(fields=["store", "status", "created_at"], name="parts_po_status")]

    def __str__(self) -> str:
        return self.number


class PurchaseOrderLine(StoreOwnedModel):
    order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="lines")
    part = models.ForeignKey("parts.Part", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("part"))
    quantity = QuantityField(_("ordered"))
    price = MoneyField(_("unit price"))
    accepted = QuantityField(_("accepted"))
    rejected = QuantityField(_("rejected"))

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        default_permissions = ()
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0),
                                   name="parts_poline_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(accepted__gte=0, rejected__gte=0,
                                   quantity__gte=models.F("accepted") + models.F("rejected")),
                name="parts_poline_no_over_receipt"),
        ]
        indexes = [models.Index(fields=["store", "part"], name="parts_poline_part")]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.part_id} × {self.quantity}"

    @property
    def outstanding(self):
        return self.quantity - self.accepted - self.rejected


class Nonconformance(StoreOwnedModel):
    """PT-8 nonconformance record (不合格品记录) for goods rejected at receiving."""

    po_line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="nonconformances")
    part = models.ForeignKey("parts.Part", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("part"))
    supplier = models.ForeignKey("parts.Supplier", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name=_("supplier"))
    lot = models.ForeignKey("parts.Lot", on_delete=models.PROTECT, related_name="+")
    quantity = QuantityField(_("quantity"))
    reason = models.CharField(_("reason"), max_length=200)
    photo = models.FileField(pgettext_lazy("parts", "photo"),
                             upload_to="parts/nonconformance/%Y/%m/", blank=True)
    is_resolved = models.BooleanField(_("resolved"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("nonconformance")
        verbose_name_plural = _("nonconformances")
        default_permissions = ("view",)
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["store", "is_resolved"], name="parts_nc_open")]

    def __str__(self) -> str:
        return f"{self.part_id} × {self.quantity}: {self.reason}"


@colored(requested="warning", approved="primary", shipped="info", received="success",
         cancelled="secondary")
class TransferStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    SHIPPED = "shipped", _("Shipped")
    RECEIVED = "received", pgettext_lazy("parts", "Received")
    CANCELLED = "cancelled", _("Cancelled")


TRANSFER_FLOW = Transitions({
    "approve": ({TransferStatus.REQUESTED}, TransferStatus.APPROVED),
    "ship": ({TransferStatus.APPROVED}, TransferStatus.SHIPPED),
    "receive": ({TransferStatus.SHIPPED}, TransferStatus.RECEIVED),
    "cancel": ({TransferStatus.REQUESTED, TransferStatus.APPROVED}, TransferStatus.CANCELLED),
})


class Transfer(StoreOwnedModel):
    """PT-11 transfer (调拨) from ``store`` (the one that ships) to ``to_store``."""

    number = models.CharField(_("number"), max_length=30)
    to_store = models.ForeignKey("core.Store", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("to store"))
    status = models.CharField(_("status"), max_length=15, choices=TransferStatus,
                              default=TransferStatus.REQUESTED)
    note = models.CharField(_("note"), max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    requested_at = models.DateTimeField(_("requested"))
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        default_permissions = ("view",)
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "number"], name="parts_transfer_unique")
        ]
        indexes = [models.Index(fields=["store", "status"], name="parts_transfer_status")]

    def __str__(self) -> str:
        return self.number


class TransferLine(StoreOwnedModel):
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="lines")
    part = models.ForeignKey("parts.Part", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("part"))
    quantity = QuantityField(_("quantity"))

    class Meta:
        default_permissions = ()
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0),
                                   name="parts_transferline_positive")
        ]

    def __str__(self) -> str:
        return f"{self.part_id} × {self.quantity}"


@colored(counting="warning", review="info", approved="success", cancelled="secondary")
class StocktakeStatus(models.TextChoices):
    COUNTING = "counting", _("Counting")
    REVIEW = "review", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    CANCELLED = "cancelled", _("Cancelled")


STOCKTAKE_FLOW = Transitions({
    "count": ({StocktakeStatus.COUNTING}, StocktakeStatus.COUNTING),
    "submit": ({StocktakeStatus.COUNTING}, StocktakeStatus.REVIEW),
    "reopen": ({StocktakeStatus.REVIEW}, StocktakeStatus.COUNTING),
    "approve": ({StocktakeStatus.REVIEW}, StocktakeStatus.APPROVED),
    "cancel": ({StocktakeStatus.COUNTING, StocktakeStatus.REVIEW}, StocktakeStatus.CANCELLED),
})


class Stocktake(StoreOwnedModel):
    """PT-12 stocktake (盘点): its locations are frozen until it is approved or cancelled."""

    number = models.CharField(_("number"), max_length=30)
    status = models.CharField(_("status"), max_length=15, choices=StocktakeStatus,
                              default=StocktakeStatus.COUNTING)
    abc_class = models.CharField(_("cycle count class"), max_length=1, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("stocktake")
        verbose_name_plural = _("stocktakes")
        default_permissions = ("view",)
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "number"], name="parts_stocktake_unique")
        ]

    def __str__(self) -> str:
        return self.number


class StocktakeLine(StoreOwnedModel):
    """One part/location/lot on the count sheet: system quantity frozen at the start.
    A part the counter finds on a frozen location without a line gets a line of its own
    (``is_found``, system quantity zero), so its variance is posted on approval."""

    stocktake = models.ForeignKey(Stocktake, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey("parts.Part", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("part"))
    location = models.ForeignKey("parts.Location", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("location"))
    # A part found on a counted location but not on the sheet has no lot until the
    # approval puts it into stock as a new lot.
    lot = models.ForeignKey("parts.Lot", on_delete=models.PROTECT, related_name="+",
                            null=True, blank=True)
    batch = models.CharField(_("batch number"), max_length=40, blank=True)
    is_found = models.BooleanField(_("found during the count"), default=False)
    system_quantity = QuantityField(_("system quantity"))
    counted_quantity = QuantityField(_("counted quantity"), null=True, blank=True, default=None)
    unit_cost = MoneyField(_("unit cost"))

    class Meta:
        default_permissions = ()
        ordering = ["location__zone", "location__shelf", "location__level", "id"]
        indexes = [models.Index(fields=["store", "stocktake"], name="parts_stline_stocktake")]

    def __str__(self) -> str:
        return f"{self.stocktake_id}:{self.part_id}@{self.location_id}"

    @property
    def variance(self):
        if self.counted_quantity is None:
            return None
        return self.counted_quantity - self.system_quantity

    @property
    def variance_value(self):
        variance = self.variance
        return None if variance is None else variance * self.unit_cost
