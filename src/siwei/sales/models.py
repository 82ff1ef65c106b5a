"""Vehicle stock, certificates, sales orders, deliveries, test drives, targets
(CS-10 … CS-20)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siwei.core.enums import colored
from siwei.core.fields import MoneyField
from siwei.core.scoping import StoreOwnedModel
from siwei.core.validators import vin_validator

USER = settings.AUTH_USER_MODEL


@colored(ordered="info", in_transit="info", in_stock="primary", allocated="warning",
         sold="success", delivered="success", demo="secondary", returned="danger")
class StockStatus(models.TextChoices):
    ORDERED = "ordered", _("Ordered")
    IN_TRANSIT = "in_transit", _("In transit")
    IN_STOCK = "in_stock", _("In stock")
    ALLOCATED = "allocated", _("Allocated")
    SOLD = "sold", _("Sold")
    DELIVERED = "delivered", _("Delivered")
    DEMO = "demo", _("Demo vehicle")
    RETURNED = "returned", _("Returned")


@colored(in_safe="success", pledged="warning", lent="danger", released="secondary")
class CertificateStatus(models.TextChoices):
    IN_SAFE = "in_safe", _("In the safe")
    PLEDGED = "pledged", _("Pledged to the bank")
    LENT = "lent", _("Lent out")
    RELEASED = "released", _("Released to the buyer")


class StockVehicle(StoreOwnedModel):
    """A new car in the store's stock (新车库存, CS-13)."""

    vin = models.CharField(_("VIN"), max_length=17, unique=True, validators=[vin_validator])
    model = models.ForeignKey("crm.VehicleModel", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("model"))
    trim = models.ForeignKey("crm.VehicleTrim", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("trim"))
    colour = models.CharField(_("colour"), max_length=30)
    cost = MoneyField(_("purchase cost"))
    msrp = MoneyField(_("MSRP"))
    status = models.CharField(_("status"), max_length=20, choices=StockStatus,
                              default=StockStatus.IN_STOCK, editable=False)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=50, blank=True)
    is_demo = models.BooleanField(_("demo vehicle"), default=False)
    floor_plan_bank = models.CharField(_("floor-plan bank"), max_length=50, blank=True)
    pledge_date = models.DateField(_("pledge date"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=30, blank=True)
    certificate_status = models.CharField(_("certificate"), max_length=20,
                                          choices=CertificateStatus,
                                          default=CertificateStatus.IN_SAFE, editable=False)
    certificate_holder = models.CharField(_("certificate held by"), max_length=100, blank=True,
                                          editable=False)
    certificate_due_back = models.DateField(_("certificate due back"), null=True, blank=True,
                                            editable=False)
    sold_at = models.DateTimeField(null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("stock vehicle")
        verbose_name_plural = _("stock vehicles")
        ordering = ["arrival_date", "id"]
        permissions = [("move_certificate", _("Can move certificates (safe, bank, loan)"))]
        indexes = [
            models.Index(fields=["store", "status"], name="sales_stock_store_status"),
            models.Index(fields=["store", "model", "status"], name="sales_stock_store_model"),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.colour} …{self.vin[-6:]}"


class CertificateMove(StoreOwnedModel):
    """Every movement of a certificate of conformity (合格证, CS-15)."""

    vehicle = models.ForeignKey(StockVehicle, on_delete=models.PROTECT,
                                related_name="certificate_moves")
    from_status = models.CharField(max_length=20, choices=CertificateStatus)
    to_status = models.CharField(max_length=20, choices=CertificateStatus)
    to_whom = models.CharField(_("to whom"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    due_back = models.DateField(_("due back"), null=True, blank=True)
    payment_proof = models.CharField(_("payment proof"), max_length=200, blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("certificate movement")
        verbose_name_plural = _("certificate movements")
        ordering = ["vehicle", "at", "id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.vehicle_id}: {self.from_status} → {self.to_status}"


@colored(draft="secondary", confirmed="primary", allocated="info", paid="success",
         certificate_released="success", delivered="success", closed="dark",
         cancelled="danger")
class OrderStatus(models.TextChoices):
    """CS-17."""

    DRAFT = "draft", _("Quote")
    CONFIRMED = "confirmed", _("Confirmed")
    ALLOCATED = "allocated", _("Vehicle allocated")
    PAID = "paid", _("Paid in full")
    CERTIFICATE_RELEASED = "certificate_released", _("Certificate released")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class SalesOrder(StoreOwnedModel):
    """A quote that becomes an order (CS-16, CS-17)."""

    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    customer = models.ForeignKey("crm.Customer", on_delete=models.PROTECT,
                                 related_name="sales_orders", verbose_name=_("customer"))
    lead = models.ForeignKey("crm.Lead", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="orders", verbose_name=_("lead"))
    consultant = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("consultant"))
    model = models.ForeignKey("crm.VehicleModel", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("model"))
    trim = models.ForeignKey("crm.VehicleTrim", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("trim"))
    colour = models.CharField(_("colour"), max_length=30, blank=True)
    stock_vehicle = models.ForeignKey(StockVehicle, on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="orders", editable=False)
    msrp = MoneyField(_("MSRP"))
    vehicle_price = MoneyField(_("vehicle price"))
    discount_approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+", editable=False)
    insurance_company = models.CharField(_("insurance company"), max_length=50, blank=True)
    insurance_premium = MoneyField(_("insurance premium"))
    insurance_commission = MoneyField(_("insurance commission"))
    finance_bank = models.CharField(_("financing bank"), max_length=50, blank=True)
    loan_amount = MoneyField(_("loan amount"))
    loan_term_months = models.PositiveSmallIntegerField(_("loan term (months)"), default=0)
    down_payment = MoneyField(_("down payment"))
    finance_fee = MoneyField(_("financing fee"))
    finance_commission = MoneyField(_("financing commission"))
    loan_approved = models.BooleanField(_("loan approved"), default=False)
    registration_fee = MoneyField(_("registration service fee"))
    purchase_tax_estimate = MoneyField(_("purchase tax estimate"), editable=False)
    trade_in_vin = models.CharField(_("trade-in VIN"), max_length=17, blank=True)
    trade_in_valuation = MoneyField(_("trade-in valuation"))
    total = MoneyField(_("customer pays"), editable=False)
    paid = MoneyField(_("paid"), editable=False)
    gross_profit = MoneyField(_("gross profit"), editable=False)
    status = models.CharField(_("status"), max_length=30, choices=OrderStatus,
                              default=OrderStatus.DRAFT, editable=False)
    created_at = models.DateTimeField(_("created"), editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancel_reason = models.CharField(_("cancel reason"), max_length=200, blank=True,
                                     editable=False)
    deposit_forfeited = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("approve_discount", _("Can approve vehicle discounts")),
            ("view_all_orders", _("Can see every consultant's orders")),
            ("deliver_vehicle", _("Can deliver vehicles")),
            ("release_certificate", _("Can release certificates to buyers")),
        ]
        constraints = [
            # One VIN, one live order (CS-17): the database refuses a second one.
            models.UniqueConstraint(
                fields=["stock_vehicle"],
                condition=~models.Q(status="cancelled") & models.Q(stock_vehicle__isnull=False),
                name="sales_order_one_live_order_per_vin",
            )
        ]
        indexes = [
            models.Index(fields=["store", "status"], name="sales_order_store_status"),
            models.Index(fields=["store", "created_at"], name="sales_order_store_created"),
            models.Index(fields=["store", "consultant", "created_at"],
                         name="sales_order_store_cons"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def balance_due(self):
        return self.total - self.paid


class OrderLine(models.Model):
    """An accessory (精品) or other item on an order: sold or gift, pre- or post-install
    (CS-19)."""

    class Install(models.TextChoices):
        NONE = "none", _("No installation")
        PRE = "pre", _("Before delivery")
        POST = "post", _("After delivery")

    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey("parts.Part", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", limit_choices_to={"is_accessory": True},
                             verbose_name=_("accessory part"))
    description = models.CharField(_("item"), max_length=100)
    part_number = models.CharField(_("part number"), max_length=40, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=3, default=1)
    unit_price = MoneyField(_("unit price"))
    unit_cost = MoneyField(_("unit cost"))
    is_gift = models.BooleanField(_("gift"), default=False)
    install = models.CharField(_("installation"), max_length=10, choices=Install,
                               default=Install.NONE)
    installed = models.BooleanField(_("installed"), default=False)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        default_permissions = ()

    def __str__(self) -> str:
        return self.description


class Delivery(StoreOwnedModel):
    """The handover (交车, CS-18)."""

    order = models.OneToOneField(SalesOrder, on_delete=models.PROTECT, related_name="delivery")
    delivered_at = models.DateTimeField()
    checklist = models.JSONField(_("checklist"), default=dict)
    keys_count = models.PositiveSmallIntegerField(_("keys handed over"), default=2)
    mileage = models.PositiveIntegerField(_("odometer at delivery"), default=0)
    signature = models.TextField(_("customer signature"))
    photo = models.ImageField(_("photo"), upload_to="deliveries/%Y/%m/", blank=True)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.order} {self.delivered_at:%Y-%m-%d}"


class TestDrive(StoreOwnedModel):
    """A test drive (试乘试驾, CS-10); a demo vehicle is in one drive at a time."""

    vehicle = models.ForeignKey(StockVehicle, on_delete=models.PROTECT,
                                related_name="test_drives", verbose_name=_("demo vehicle"))
    customer = models.ForeignKey("crm.Customer", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("customer"))
    lead = models.ForeignKey("crm.Lead", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    licence_number = models.CharField(_("driving licence number"), max_length=20)
    licence_checked = models.BooleanField(_("licence checked"), default=False)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    route = models.CharField(_("route"), max_length=100, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    consultant = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("test drive")
        verbose_name_plural = _("test drives")
        ordering = ["-start"]
        indexes = [models.Index(fields=["store", "vehicle", "start"], name="sales_td_store_veh")]

    def __str__(self) -> str:
        return f"{self.vehicle} {self.start:%Y-%m-%d %H:%M}"


class SalesTarget(StoreOwnedModel):
    """Monthly targets for the store (no consultant) or one consultant (CS-11)."""

    month = models.DateField(_("month"), help_text=_("First day of the month."))
    consultant = models.ForeignKey(USER, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="+", verbose_name=_("consultant"))
    visits = models.PositiveIntegerField(_("visits"), default=0)
    new_leads = models.PositiveIntegerField(_("new leads"), default=0)
    test_drives = models.PositiveIntegerField(_("test drives"), default=0)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    deliveries = models.PositiveIntegerField(_("deliveries"), default=0)
    accessory_revenue = MoneyField(_("accessory revenue"))
    insurance_penetration = models.DecimalField(_("insurance penetration %"), max_digits=5,
                                                decimal_places=1, default=0)
    finance_penetration = models.DecimalField(_("finance penetration %"), max_digits=5,
                                              decimal_places=1, default=0)

    class Meta:
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        constraints = [
            models.UniqueConstraint(fields=["store", "month", "consultant"],
                                    name="sales_target_unique"),
            # NULLs are distinct in a unique index: one store-level target per month too.
            models.UniqueConstraint(fields=["store", "month"],
                                    condition=models.Q(consultant__isnull=True),
                                    name="sales_target_store_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.consultant_id or '*'}"


class SalesSettings(StoreOwnedModel):
    """A store's sales rules: discount limits by role (CS-16) and the O-grade deposit."""

    consultant_discount_limit = MoneyField(_("consultant's discount limit"), default=3000)
    manager_discount_limit = MoneyField(_("sales manager's discount limit"), default=10000)
    o_grade_deposit = MoneyField(_("deposit that makes a lead grade O"), default=5000)

    class Meta:
        verbose_name = _("sales settings")
        verbose_name_plural = _("sales settings")
        constraints = [models.UniqueConstraint(fields=["store"], name="sales_settings_store")]

    def __str__(self) -> str:
        return str(self.store_id)
