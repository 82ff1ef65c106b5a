"""Service master data and settings: labour operations and times, rates, the store's
service rules, technicians' shifts and the store's calendar (SV-2, SV-3, SV-9)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siwei.core.fields import MoneyField
from siwei.core.scoping import StoreOwnedModel

USER = settings.AUTH_USER_MODEL


class ROCategory(models.TextChoices):
    """SV-6 categories of a repair order."""

    FIRST_MAINTENANCE = "first_maintenance", _("First free maintenance")
    MAINTENANCE = "maintenance", _("Maintenance")
    LEVEL2_MAINTENANCE = "level2_maintenance", _("Level-2 maintenance")
    MINOR_REPAIR = "minor_repair", _("Minor repair")
    OVERHAUL = "overhaul", _("Overhaul")
    ACCIDENT = "accident", _("Accident (insurance)")
    WARRANTY = "warranty", _("Warranty")
    COMEBACK = "comeback", _("Comeback")
    INTERNAL = "internal", _("Internal")
    ACCESSORY = "accessory", _("Accessory installation")


class Payer(models.TextChoices):
    """SV-9: who pays a line."""

    CUSTOMER = "customer", _("Customer")
    WARRANTY = "warranty", _("Warranty (OEM)")
    INSURANCE = "insurance", _("Insurance")
    INTERNAL = "internal", _("Internal")
    GOODWILL = "goodwill", _("Goodwill")


class LabourOperation(models.Model):
    """A labour operation of the group (工时项目) with its default standard hours."""

    group = models.ForeignKey("core.DealerGroup", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    default_hours = models.DecimalField(_("standard hours"), max_digits=6, decimal_places=2)
    category = models.CharField(_("usual category"), max_length=30, choices=ROCategory,
                                blank=True)

    class Meta:
        verbose_name = _("labour operation")
        verbose_name_plural = _("labour operations")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["group", "code"],
                                               name="service_operation_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LabourTime(models.Model):
    """Standard hours of an operation for one model (工时定额 per model)."""

    operation = models.ForeignKey(LabourOperation, on_delete=models.CASCADE,
                                  related_name="times")
    model = models.ForeignKey("crm.VehicleModel", on_delete=models.CASCADE, related_name="+")
    hours = models.DecimalField(_("standard hours"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("labour time")
        verbose_name_plural = _("labour times")
        constraints = [models.UniqueConstraint(fields=["operation", "model"],
                                               name="service_labour_time_unique")]

    def __str__(self) -> str:
        return f"{self.operation_id}/{self.model_id}: {self.hours}"


class LabourRate(StoreOwnedModel):
    """Price of one labour hour in a store for a category (blank: every category)."""

    category = models.CharField(_("category"), max_length=30, choices=ROCategory, blank=True)
    rate = MoneyField(_("hourly rate"))

    class Meta:
        verbose_name = _("labour rate")
        verbose_name_plural = _("labour rates")
        constraints = [models.UniqueConstraint(fields=["store", "category"],
                                               name="service_rate_unique")]

    def __str__(self) -> str:
        return f"{self.category or '*'}: {self.rate}"


class ServiceSettings(StoreOwnedModel):
    """A store's service rules; a store without a row uses these defaults."""

    slot_minutes = models.PositiveSmallIntegerField(_("reception slot (minutes)"), default=15)
    buffer_every = models.PositiveSmallIntegerField(_("every n-th slot is a buffer"), default=4)
    productivity = models.DecimalField(_("technician productivity"), max_digits=3,
                                       decimal_places=2, default=Decimal("0.85"))
    appointment_share = models.DecimalField(_("share of capacity for appointments"),
                                            max_digits=3, decimal_places=2,
                                            default=Decimal("0.70"))
    contract_threshold = MoneyField(_("repair contract from (yuan)"), default=1000)
    advisor_discount_percent = models.DecimalField(_("advisor's discount limit %"),
                                                   max_digits=5, decimal_places=2, default=5)
    manager_discount_percent = models.DecimalField(_("service manager's discount limit %"),
                                                   max_digits=5, decimal_places=2, default=15)
    comeback_days = models.PositiveSmallIntegerField(_("comeback window (days)"), default=30)
    comeback_km = models.PositiveIntegerField(_("comeback window (km)"), default=3000)
    no_show_minutes = models.PositiveSmallIntegerField(_("no-show after (minutes)"), default=30)
    follow_up_days = models.PositiveSmallIntegerField(_("follow-up call after (days)"),
                                                      default=3)

    class Meta:
        verbose_name = _("service settings")
        verbose_name_plural = _("service settings")
        constraints = [models.UniqueConstraint(fields=["store"], name="service_settings_store")]

    def __str__(self) -> str:
        return str(self.store_id)


class TechnicianShift(StoreOwnedModel):
    """A technician's working hours on one day (SV-3 capacity, SV-10 load)."""

    technician = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("technician"))
    day = models.DateField(_("day"))
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("technician shift")
        verbose_name_plural = _("technician shifts")
        ordering = ["day", "start"]
        constraints = [models.UniqueConstraint(fields=["store", "technician", "day"],
                                               name="service_shift_unique")]
        indexes = [models.Index(fields=["store", "day"], name="service_shift_store_day")]

    def __str__(self) -> str:
        return f"{self.technician_id} {self.day} {self.start}-{self.end}"


class StoreCalendarDay(StoreOwnedModel):
    """The store's own override of the official calendar: a working day or a day off."""

    day = models.DateField(_("day"))
    is_working = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [models.UniqueConstraint(fields=["store", "day"],
                                               name="service_calendar_unique")]

    def __str__(self) -> str:
        return f"{self.day} {'work' if self.is_working else 'off'}"
