"""Customers, vehicles and the sales contact history (CS-1 … CS-10)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from siwei.core.enums import colored
from siwei.core.scoping import StoreOwnedModel
from siwei.core.validators import (
    credit_code_validator,
    mobile_validator,
    plate_validator,
    resident_id_validator,
    vin_validator,
)

USER = settings.AUTH_USER_MODEL


# --- master data of the group -------------------------------------------------------


class VehicleModel(models.Model):
    """A model the group sells or services (车型), with its warranty terms (CS-3)."""

    group = models.ForeignKey("core.DealerGroup", on_delete=models.PROTECT, related_name="+")
    brand = models.CharField(_("brand"), max_length=40)
    name = models.CharField(_("model"), max_length=60)
    code = models.CharField(_("model code"), max_length=30, blank=True)
    is_new_energy = models.BooleanField(_("new energy vehicle"), default=False)
    warranty_years = models.PositiveSmallIntegerField(_("warranty years"), default=2)
    warranty_km = models.PositiveIntegerField(_("warranty km"), default=60000)
    first_maintenance_km = models.PositiveIntegerField(_("first maintenance km"), default=5000)
    maintenance_interval_months = models.PositiveSmallIntegerField(
        _("maintenance interval (months)"), default=6
    )

    class Meta:
        verbose_name = _("vehicle model")
        verbose_name_plural = _("vehicle models")
        ordering = ["brand", "name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "brand", "name"], name="crm_model_unique")
        ]

    def __str__(self) -> str:
        return f"{self.brand} {self.name}"


class VehicleTrim(models.Model):
    """A configuration of a model (配置) with its guide price (指导价)."""

    model = models.ForeignKey(VehicleModel, on_delete=models.CASCADE, related_name="trims")
    name = models.CharField(_("trim"), max_length=80)
    msrp = models.DecimalField(_("MSRP"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("trim")
        verbose_name_plural = _("trims")
        ordering = ["model", "msrp"]

    def __str__(self) -> str:
        return f"{self.model} {self.name}"


class Colour(models.Model):
    group = models.ForeignKey("core.DealerGroup", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("colour"), max_length=30)

    class Meta:
        verbose_name = _("colour")
        verbose_name_plural = _("colours")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# --- customers ------------------------------------------------------------------------


class CustomerKind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


@colored(prospect="info", lead="primary", owner_new="success", owner_old="success",
         vip="warning", lost="secondary", churned="danger")
class CustomerCategory(models.TextChoices):
    """CS-4: derived from data, never typed in."""

    PROSPECT = "prospect", pgettext_lazy("customer category", "Prospect")
    LEAD = "lead", pgettext_lazy("customer category", "Lead")
    OWNER_NEW = "owner_new", pgettext_lazy("customer category", "Owner (new)")
    OWNER_OLD = "owner_old", pgettext_lazy("customer category", "Owner (old)")
    VIP = "vip", pgettext_lazy("customer category", "VIP")
    LOST = "lost", pgettext_lazy("customer category", "Lost")
    CHURNED = "churned", pgettext_lazy("customer category", "Churned")


class Customer(StoreOwnedModel):
    """A person or company (客户). The mobile number identifies a person in the group."""

    group = models.ForeignKey("core.DealerGroup", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=CustomerKind,
                            default=CustomerKind.PERSON)
    name = models.CharField(_("name"), max_length=100)
    name_pinyin = models.CharField(max_length=200, blank=True, editable=False)
    name_initials = models.CharField(max_length=50, blank=True, editable=False)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True,
                              validators=[mobile_validator])
    mobile_last4 = models.CharField(max_length=4, blank=True, editable=False)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    id_number = models.CharField(_("resident ID"), max_length=18, blank=True,
                                 validators=[resident_id_validator])
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True,
                                   validators=[credit_code_validator])
    address = models.CharField(_("address"), max_length=200, blank=True)
    district = models.CharField(_("district"), max_length=50, blank=True)
    occupation = models.CharField(_("occupation"), max_length=50, blank=True)
    family_notes = models.CharField(_("family notes"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=30, blank=True)
    tags = models.CharField(_("tags"), max_length=200, blank=True)
    consent_sms = models.BooleanField(_("SMS consent"), default=False)
    consent_sms_at = models.DateTimeField(null=True, blank=True)
    consent_phone = models.BooleanField(_("phone consent"), default=False)
    consent_phone_at = models.DateTimeField(null=True, blank=True)
    consent_wechat = models.BooleanField(_("WeChat consent"), default=False)
    consent_wechat_at = models.DateTimeField(null=True, blank=True)
    responsible = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("responsible employee"))
    referred_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="referrals", verbose_name=_("referred by"))
    category = models.CharField(_("category"), max_length=20, choices=CustomerCategory,
                                default=CustomerCategory.PROSPECT, editable=False)
    vip_by_manager = models.BooleanField(_("VIP set by a manager"), default=False)
    vip_reason = models.CharField(_("VIP reason"), max_length=200, blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", editable=False)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True,
                                     editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-id"]
        permissions = [
            ("merge_customer", _("Can merge duplicate customers")),
            ("set_vip", _("Can set a customer as VIP")),
            ("erase_customer", _("Can erase a customer's personal data")),
        ]
        indexes = [
            models.Index(fields=["store", "mobile"], name="crm_cust_store_mobile"),
            models.Index(fields=["store", "mobile_last4"], name="crm_cust_store_last4"),
            models.Index(fields=["store", "name"], name="crm_cust_store_name"),
            models.Index(fields=["store", "name_pinyin"], name="crm_cust_store_pinyin"),
            models.Index(fields=["store", "name_initials"], name="crm_cust_store_initials"),
            models.Index(fields=["store", "category"], name="crm_cust_store_category"),
            models.Index(fields=["group", "mobile"], name="crm_cust_group_mobile"),
        ]

    def __str__(self) -> str:
        return self.name


class CompanyContact(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=50)
    mobile = models.CharField(_("mobile"), max_length=11, validators=[mobile_validator])
    position = models.CharField(_("position"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return self.name


# --- vehicles -------------------------------------------------------------------------


class Vehicle(StoreOwnedModel):
    """A customer's vehicle (CS-3). ``selling_store`` set means sold by us (自销)."""

    vin = models.CharField(_("VIN"), max_length=17, unique=True, validators=[vin_validator])
    vin_last6 = models.CharField(max_length=6, editable=False)
    plate = models.CharField(_("plate"), max_length=10, blank=True, validators=[plate_validator])
    brand = models.CharField(_("brand"), max_length=40, blank=True)
    model = models.ForeignKey(VehicleModel, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("model"))
    trim = models.CharField(_("trim"), max_length=80, blank=True)
    colour = models.CharField(_("colour"), max_length=30, blank=True)
    engine_number = models.CharField(_("engine number"), max_length=30, blank=True)
    model_year = models.PositiveSmallIntegerField(_("model year"), null=True, blank=True)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    registration_date = models.DateField(_("registration date"), null=True, blank=True)
    sale_date = models.DateField(_("sale date"), null=True, blank=True)
    selling_store = models.ForeignKey("core.Store", on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="+",
                                      verbose_name=_("selling store"))
    warranty_start = models.DateField(_("warranty start"), null=True, blank=True)
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True)
    warranty_km = models.PositiveIntegerField(_("warranty km"), null=True, blank=True)
    insurance_company = models.CharField(_("insurance company"), max_length=50, blank=True)
    insurance_expiry = models.DateField(_("insurance expiry"), null=True, blank=True)
    owner = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="vehicles", verbose_name=_("owner"))
    last_km = models.PositiveIntegerField(_("last odometer (km)"), null=True, blank=True,
                                          editable=False)
    next_maintenance_date = models.DateField(_("next maintenance"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["-id"]
        permissions = [("override_odometer", _("Can record a lower odometer reading"))]
        indexes = [
            models.Index(fields=["store", "plate"], name="crm_veh_store_plate"),
            models.Index(fields=["store", "vin_last6"], name="crm_veh_store_vin6"),
            models.Index(fields=["store", "owner"], name="crm_veh_store_owner"),
            models.Index(fields=["plate"], name="crm_veh_plate"),
        ]

    def __str__(self) -> str:
        return f"{self.plate or self.vin} {self.model or self.brand}".strip()


class VehicleOwnership(models.Model):
    """Owner history: who owned the vehicle from when to when."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="ownerships")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        ordering = ["vehicle", "start"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.vehicle_id}:{self.customer_id}"


class OdometerSource(models.TextChoices):
    DELIVERY = "delivery", _("Delivery")
    SERVICE = "service", _("Service visit")
    APPOINTMENT = "appointment", _("Appointment")
    CALL = "call", _("Phone call")
    MANUAL = "manual", _("Entered by hand")


class OdometerReading(StoreOwnedModel):
    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="odometer")
    at = models.DateTimeField(_("time"))
    km = models.PositiveIntegerField(_("km"))
    source = models.CharField(_("source"), max_length=20, choices=OdometerSource)
    rollback_reason = models.CharField(_("reason for a lower reading"), max_length=200,
                                       blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("odometer reading")
        verbose_name_plural = _("odometer readings")
        ordering = ["vehicle", "at", "id"]
        default_permissions = ("view", "add")

    def __str__(self) -> str:
        return f"{self.vehicle_id} {self.km} km"
