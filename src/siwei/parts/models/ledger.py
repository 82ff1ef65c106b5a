"""The stock ledger (PT-4 … PT-6, PT-9, PT-10): lots, immutable moves, balances kept in
step with them, reservations and requisitions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from siwei.core.enums import colored
from siwei.core.fields import MoneyField, QuantityField
from siwei.core.scoping import StoreOwnedModel


class DocumentRef(models.Model):
    """A generic reference to the document a row serves (a repair order line, a PO
    line …): ``document_type`` like ``service.repairorder``, the id and the line id."""

    document_type = models.CharField(_("document type"), max_length=60, blank=True)
    document_id = models.CharField(_("document"), max_length=40, blank=True)
    document_line_id = models.CharField(_("document line"), max_length=40, blank=True)

    class Meta:
        abstract = True

    @property
    def reference(self) -> str:
        if not self.document_type:
            return ""
        line = f"/{self.document_line_id}" if self.document_line_id else ""
        return f"{self.document_type}:{self.document_id}{line}"


class Lot(StoreOwnedModel):
    """PT-6 lot (批次): created by every receipt; issues take the oldest first."""

    part = models.ForeignKey("parts.Part", on_delete=models.PROTECT, related_name="lots")
    batch = models.CharField(_("batch number"), max_length=40, blank=True)
    inbound_date = models.DateField(_("inbound date"))
    unit_cost = MoneyField(_("unit cost"))
    supplier = models.ForeignKey("parts.Supplier", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        default_permissions = ()
        ordering = ["inbound_date", "id"]
        indexes = [
            models.Index(fields=["store", "part", "inbound_date"], name="parts_lot_fifo"),
            models.Index(fields=["store", "batch"], name="parts_lot_batch"),
        ]

    def __str__(self) -> str:
        return self.batch or f"{self.inbound_date:%Y%m%d}-{self.pk}"


class MoveKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    ISSUE = "issue", _("Issue")
    RETURN = "return", pgettext_lazy("parts", "Return")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    ADJUSTMENT = "adjustment", _("Stocktake adjustment")
    SCRAP = "scrap", _("Scrap")
    NONCONFORMING = "nonconforming", _("Nonconforming")
    RELOCATE = "relocate", _("Relocation")
    REVERSAL = "reversal", _("Reversal")


ISSUE_KINDS = (MoveKind.ISSUE, MoveKind.RETURN)


class StockMove(DocumentRef, StoreOwnedModel):
    """PT-4 move: the only way stock changes. Append-only; a mistake is corrected by a
    reversing move."""

    part = models.ForeignKey("parts.Part", on_delete=models.PROTECT, related_name="moves")
    location = models.ForeignKey("parts.Location", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="moves")
    quantity = QuantityField(_("quantity"))
    unit_cost = MoneyField(_("unit cost"))
    kind = models.CharField(_("type"), max_length=15, choices=MoveKind)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+")
    created_at = models.DateTimeField(_("time"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        default_permissions = ("view",)
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["store", "part", "created_at"], name="parts_move_part_time"),
            models.Index(fields=["store", "kind", "created_at"], name="parts_move_kind_time"),
            models.Index(fields=["store", "document_type", "document_id"],
                         name="parts_move_document"),
            models.Index(fields=["store", "lot"], name="parts_move_lot"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} × {self.part_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("stock moves are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("stock moves are append-only")


class StockBalance(StoreOwnedModel):
    """On hand per part, location and lot: the sum of its moves, kept in step inside
    the same transaction (账物一致). Never below zero."""

    part = models.ForeignKey("parts.Part", on_delete=models.PROTECT, related_name="balances")
    location = models.ForeignKey("parts.Location", on_delete=models.PROTECT,
                                 related_name="balances")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="balances")
    quantity = QuantityField(_("quantity"))

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["store", "part", "location", "lot"],
                                    name="parts_balance_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gte=0),
                                   name="parts_balance_never_negative"),
        ]
        indexes = [models.Index(fields=["store", "location"], name="parts_balance_location")]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.location_id}/{self.lot_id}={self.quantity}"


@colored(open="primary", consumed="success", released="secondary")
class ReservationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("parts", "Open")
    CONSUMED = "consumed", _("Issued")
    RELEASED = "released", _("Released")


class Reservation(DocumentRef, StoreOwnedModel):
    """PT-9 reservation for an appointment or an open repair order line: lowers
    available, not on hand. Issues for the same document line consume it first."""

    part = models.ForeignKey("parts.Part", on_delete=models.PROTECT,
                             related_name="reservations")
    quantity = QuantityField(_("reserved quantity"))
    consumed = QuantityField(_("issued quantity"))
    location = models.ForeignKey("parts.Location", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+",
                                 verbose_name=_("reserve shelf"))
    status = models.CharField(_("status"), max_length=10, choices=ReservationStatus,
                              default=ReservationStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        default_permissions = ("view",)
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["store", "part", "status"], name="parts_resv_part_status"),
            models.Index(fields=["store", "document_type", "document_id"],
                         name="parts_resv_document"),
        ]

    def __str__(self) -> str:
        return f"{self.part_id} × {self.quantity} ({self.reference})"

    @property
    def remaining(self):
        return self.quantity - self.consumed


@colored(open="warning", partly_issued="info", issued="success", cancelled="secondary")
class RequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting")
    PARTLY_ISSUED = "partly_issued", _("Partly issued")
    ISSUED = "issued", _("Issued")
    CANCELLED = "cancelled", _("Cancelled")


class StockRequest(DocumentRef, StoreOwnedModel):
    """PT-10 requisition line (领料单): a technician asks for a part for an RO line; the
    clerk issues it from the queue. ``first_fill`` records whether the first issue
    covered the whole request from stock (fill rate, 一次满足率)."""

    number = models.CharField(_("number"), max_length=30)
    part = models.ForeignKey("parts.Part", on_delete=models.PROTECT, related_name="+")
    quantity = QuantityField(_("requested quantity"))
    issued = QuantityField(_("issued quantity"))
    status = models.CharField(_("status"), max_length=15, choices=RequestStatus,
                              default=RequestStatus.OPEN)
    first_fill = models.BooleanField(_("filled at first request"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    requested_at = models.DateTimeField(_("requested"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("parts request")
        verbose_name_plural = _("parts requests")
        default_permissions = ("view",)
        ordering = ["requested_at", "id"]
        indexes = [
            models.Index(fields=["store", "status", "requested_at"], name="parts_req_queue"),
            models.Index(fields=["store", "document_type", "document_id"],
                         name="parts_req_document"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def remaining(self):
        return self.quantity - self.issued
