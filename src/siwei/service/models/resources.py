"""Workshop resources: the group's repair knowledge base (SV-19) and the equipment,
measuring instruments and special tools of a store (SV-20)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siwei.core.enums import colored
from siwei.core.scoping import StoreOwnedModel

USER = settings.AUTH_USER_MODEL
YELLOW_DAYS = 14  # a calibration due within this many days limits the instrument


@colored(draft="secondary", approved="success")
class KnowledgeStatus(models.TextChoices):
    DRAFT = "draft", _("Waiting for approval")
    APPROVED = "approved", _("Approved")


class KnowledgeEntry(StoreOwnedModel):
    """A hard case written by a technician (维修技术资源共享, SV-19). ``store`` is where it
    was written; once approved by the chief inspector every store of the group reads it."""

    group = models.ForeignKey("core.DealerGroup", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    symptom = models.TextField(_("symptom"))
    diagnosis = models.TextField(_("diagnosis"), blank=True)
    cause = models.TextField(_("cause"))
    fix = models.TextField(_("fix"))
    vehicle_models = models.ManyToManyField("crm.VehicleModel", blank=True, related_name="+",
                                            verbose_name=_("models"))
    parts = models.CharField(_("parts"), max_length=300, blank=True)
    repair_order = models.ForeignKey("service.RepairOrder", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("repair order"))
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("author"))
    status = models.CharField(_("status"), max_length=20, choices=KnowledgeStatus,
                              default=KnowledgeStatus.DRAFT, editable=False)
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", editable=False,
                                    verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("written"), editable=False)

    class Meta:
        verbose_name = _("knowledge entry")
        verbose_name_plural = _("knowledge entries")
        ordering = ["-created_at", "-id"]
        permissions = [("approve_knowledgeentry", _("Can approve knowledge entries"))]
        indexes = [models.Index(fields=["group", "status"], name="service_kb_group_status")]

    def __str__(self) -> str:
        return self.title


class EquipmentKind(models.TextChoices):
    EQUIPMENT = "equipment", _("Equipment")
    INSTRUMENT = "instrument", _("Measuring instrument")
    SPECIAL_TOOL = "special_tool", _("Special tool")


@colored(green="success", yellow="warning", red="danger")
class CalibrationState(models.TextChoices):
    GREEN = "green", _("Valid")
    YELLOW = "yellow", _("Limited")
    RED = "red", _("Stopped")


class Equipment(StoreOwnedModel):
    """An entry of the equipment ledger (设备台账, SV-20): a lift or a machine, a measuring
    instrument with its calibration cycle (计量器具), or a special tool lent out by day."""

    asset_number = models.CharField(_("asset number"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=EquipmentKind,
                            default=EquipmentKind.EQUIPMENT)
    specification = models.CharField(_("make and model"), max_length=100, blank=True)
    location = models.CharField(_("location"), max_length=60, blank=True)
    responsible = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("responsible person"))
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    calibration_cycle_days = models.PositiveSmallIntegerField(
        _("calibration cycle (days)"), null=True, blank=True)
    last_calibrated = models.DateField(_("last calibration"), null=True, blank=True,
                                       editable=False)
    next_calibration = models.DateField(_("next calibration"), null=True, blank=True,
                                        editable=False)
    out_of_service = models.BooleanField(_("out of service"), default=False)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        ordering = ["kind", "asset_number"]
        constraints = [models.UniqueConstraint(fields=["store", "asset_number"],
                                               name="service_equipment_asset")]
        indexes = [models.Index(fields=["store", "kind", "next_calibration"],
                                name="service_equipment_cal")]

    def __str__(self) -> str:
        return f"{self.asset_number} {self.name}"

    @property
    def is_instrument(self) -> bool:
        return self.kind == EquipmentKind.INSTRUMENT

    def calibration_state(self, on: dt.date) -> str:
        """Green while the calibration is valid, yellow within 14 days of the next one,
        red once it has passed (or the instrument was never calibrated or is stopped)."""
        if self.out_of_service or self.next_calibration is None:
            return CalibrationState.RED
        if self.next_calibration < on:
            return CalibrationState.RED
        if (self.next_calibration - on).days <= YELLOW_DAYS:
            return CalibrationState.YELLOW
        return CalibrationState.GREEN


class EquipmentLogKind(models.TextChoices):
    DAILY = "daily", _("Daily maintenance")
    MONTHLY = "monthly", _("Monthly maintenance")
    REPAIR = "repair", _("Repair")


class EquipmentLog(models.Model):
    """One line of an equipment's maintenance log (日常/月度保养记录)."""

    equipment = models.ForeignKey(Equipment, on_delete=models.CASCADE, related_name="logs")
    kind = models.CharField(_("kind"), max_length=20, choices=EquipmentLogKind)
    day = models.DateField(_("day"))
    done_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("done by"))
    in_order = models.BooleanField(_("in order"), default=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("equipment maintenance")
        verbose_name_plural = _("equipment maintenance")
        ordering = ["-day", "-id"]

    def __str__(self) -> str:
        return f"{self.equipment_id} {self.day} {self.kind}"


class Calibration(models.Model):
    """A calibration of a measuring instrument (检定/校准) and its certificate."""

    instrument = models.ForeignKey(Equipment, on_delete=models.CASCADE,
                                   related_name="calibrations")
    day = models.DateField(_("calibrated on"))
    agency = models.CharField(_("calibrated by"), max_length=100, blank=True)
    certificate = models.CharField(_("certificate number"), max_length=60, blank=True)
    passed = models.BooleanField(_("passed"), default=True)
    next_due = models.DateField(_("next calibration"), null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True,
                                    related_name="+")

    class Meta:
        verbose_name = _("calibration")
        verbose_name_plural = _("calibrations")
        ordering = ["-day", "-id"]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.day}"


class ToolLoan(StoreOwnedModel):
    """A special tool lent to a technician; it comes back the same day (SV-20)."""

    tool = models.ForeignKey(Equipment, on_delete=models.PROTECT, related_name="loans",
                             verbose_name=_("tool"))
    borrower = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("borrower"))
    repair_order = models.ForeignKey("service.RepairOrder", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("repair order"))
    lent_at = models.DateTimeField(_("lent"))
    due_at = models.DateTimeField(_("due back"))
    lent_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+",
                                verbose_name=_("lent by"))
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    returned_to = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("tool loan")
        verbose_name_plural = _("tool loans")
        ordering = ["-lent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tool"], name="service_loan_open",
                                               condition=models.Q(returned_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.tool_id} → {self.borrower_id}"

    def is_overdue(self, now: dt.datetime) -> bool:
        return self.returned_at is None and self.due_at < now
