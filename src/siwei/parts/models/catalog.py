"""Master data (PT-1 … PT-3): the group's parts catalog and suppliers, each store's
settings of a part, and the store's locations."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from siwei.core.enums import colored
from siwei.core.fields import MoneyField, QuantityField
from siwei.core.scoping import StoreOwnedModel


class AttributeClass(models.TextChoices):
    """PT-1 attribute class: how the part is used, which drives stocking (PT-15)."""

    A = "A", _("A: wear and consumable")
    B = "B", _("B: common part")
    C = "C", _("C: expensive assembly")


class SupplierKind(models.TextChoices):
    OEM = "oem", _("OEM")
    OTHER = "other", _("Other")


class Supplier(models.Model):
    """PT-2 supplier (供应商), shared by the stores of a group."""

    group = models.ForeignKey("core.DealerGroup", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("type"), max_length=10, choices=SupplierKind,
                            default=SupplierKind.OEM)
    contact = models.CharField(_("contact"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    payment_terms = models.CharField(_("payment terms"), max_length=100, blank=True)
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), default=3)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="parts_supplier_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Part(models.Model):
    """PT-1 part (配件) of the group catalog; number is the OEM number."""

    group = models.ForeignKey("core.DealerGroup", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("part number"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    brand = models.CharField(_("brand"), max_length=50, blank=True)
    category = models.CharField(pgettext_lazy("parts", "category"), max_length=50, blank=True)
    unit = models.CharField(_("unit"), max_length=10, default="个")
    compatible_models = models.CharField(_("compatible models"), max_length=300, blank=True)
    list_price = MoneyField(_("retail price"))
    warranty_price = MoneyField(_("warranty price"))
    insurance_price = MoneyField(_("insurance price"))
    cost = MoneyField(_("purchase cost"))
    attribute_class = models.CharField(_("attribute class"), max_length=1,
                                       choices=AttributeClass, default=AttributeClass.B)
    order_cycle_days = models.PositiveSmallIntegerField(_("order cycle O/C (days)"), default=7)
    lead_time_days = models.PositiveSmallIntegerField(_("lead time L/T (days)"), default=3)
    is_key_part = models.BooleanField(
        _("key/safety part"), default=False,
        help_text=_("Batch number required on receipt and traced on every issue."))
    is_accessory = models.BooleanField(_("accessory (精品)"), default=False)
    superseded_by = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="supersedes",
                                      verbose_name=_("superseded by"))
    pack_size = QuantityField(_("pack size"), default=Decimal("1.000"),
                              validators=[MinValueValidator(Decimal("0.001"))])
    default_supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+",
                                         verbose_name=_("default supplier"))
    name_pinyin = models.CharField(max_length=300, blank=True, editable=False)
    name_initials = models.CharField(max_length=100, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="parts_part_number_unique"),
            models.CheckConstraint(condition=models.Q(pack_size__gt=0),
                                   name="parts_part_pack_size_positive"),
        ]
        indexes = [
            models.Index(fields=["group", "name_pinyin"], name="parts_part_pinyin"),
            models.Index(fields=["group", "name_initials"], name="parts_part_initials"),
            models.Index(fields=["group", "name"], name="parts_part_name"),
        ]
        permissions = [
            ("view_stock", _("Can look up stock")),
            ("request_parts", _("Can request parts for a repair order")),
            ("reserve_stock", _("Can reserve parts")),
            ("issue_stock", _("Can issue and take back parts")),
            ("receive_stock", _("Can receive goods")),
            ("manage_purchasing", _("Can manage purchase orders")),
            ("transfer_stock", _("Can request and ship transfers")),
            ("approve_transfer", _("Can approve transfers")),
            ("count_stock", _("Can run stocktakes and enter counts")),
            ("approve_stocktake", _("Can approve stocktakes")),
            ("view_parts_analysis", _("Can view parts analysis")),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def save(self, *args, **kwargs) -> None:
        from siwei.core.pinyin import full_pinyin, initials

        self.number = self.number.strip().upper()
        self.name_pinyin = full_pinyin(self.name, name=False)[:300]
        self.name_initials = initials(self.name, name=False)[:100]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.superseded_by_id and self.superseded_by_id == self.pk:
            raise ValidationError({"superseded_by": _("A part cannot supersede itself.")})

    @property
    def replenishment_days(self) -> int:
        return self.order_cycle_days + self.lead_time_days


class PartStore(StoreOwnedModel):
    """A part in one store: moving-average cost, the store's totals kept in step with
    the ledger (PT-4), and the value class of the last ABC run (PT-13).

    Every stock change of a part in a store locks this row first, so concurrent issues
    of the same part serialise here (PT-5)."""

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="store_rows")
    average_cost = MoneyField(_("moving average cost"))
    on_hand = QuantityField(_("on hand"))
    blocked = QuantityField(_("in inspection, nonconforming or in transit"))
    reserved = QuantityField(_("reserved"))
    abc_class = models.CharField(_("ABC class"), max_length=1, blank=True)
    default_location = models.ForeignKey("parts.Location", on_delete=models.SET_NULL,
                                         null=True, blank=True, related_name="+")
    last_counted_on = models.DateField(_("last counted"), null=True, blank=True)

    class Meta:
        verbose_name = _("part in store")
        verbose_name_plural = _("parts in store")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["store", "part"], name="parts_partstore_unique"),
            models.CheckConstraint(condition=models.Q(on_hand__gte=0),
                                   name="parts_partstore_on_hand_gte_0"),
            models.CheckConstraint(condition=models.Q(reserved__gte=0),
                                   name="parts_partstore_reserved_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.store_id}"

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


@colored(normal="primary", inspection="warning", nonconforming="danger", reserve="info",
         transit="secondary")
class LocationKind(models.TextChoices):
    NORMAL = "normal", _("Normal")
    INSPECTION = "inspection", _("Inspection pending")
    NONCONFORMING = "nonconforming", _("Nonconforming")
    RESERVE = "reserve", _("Appointment reserve shelf")
    TRANSIT = "transit", _("In transit")


# Stock on these locations can be issued and counts as on hand (PT-9 available).
ISSUABLE_KINDS = (LocationKind.NORMAL, LocationKind.RESERVE)


class Location(StoreOwnedModel):
    """PT-3 location (库位): zone – shelf – level, e.g. ``A-03-2``. Picking goes zone,
    shelf, level ascending (front to back, top to bottom)."""

    code = models.CharField(_("code"), max_length=20)
    zone = models.CharField(_("zone"), max_length=5)
    shelf = models.PositiveSmallIntegerField(_("shelf"), default=0)
    level = models.PositiveSmallIntegerField(_("level"), default=0)
    kind = models.CharField(_("type"), max_length=15, choices=LocationKind,
                            default=LocationKind.NORMAL)
    is_active = models.BooleanField(_("active"), default=True)
    frozen_by = models.ForeignKey("parts.Stocktake", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="frozen_locations",
                                  verbose_name=_("frozen by stocktake"))

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["zone", "shelf", "level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["store", "code"], name="parts_location_unique")
        ]
        indexes = [models.Index(fields=["store", "kind"], name="parts_location_store_kind")]

    def __str__(self) -> str:
        return self.code

    @property
    def is_issuable(self) -> bool:
        return self.kind in ISSUABLE_KINDS
