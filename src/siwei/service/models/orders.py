"""Appointments and repair orders with their jobs, parts, clocking and inspections
(SV-1 … SV-16)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siwei.core.fields import MoneyField, QuantityField
from siwei.core.scoping import StoreOwnedModel

from .master import LabourOperation, Payer, ROCategory
from .states import AppointmentStatus, ApprovalChannel, JobStatus, ROStatus

USER = settings.AUTH_USER_MODEL


class AppointmentChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    ONLINE = "online", _("Online")
    WALK_IN = "walk_in", _("Walk-in follow-up")
    CAMPAIGN = "campaign", _("Campaign")


class Appointment(StoreOwnedModel):
    """A booking (预约, SV-1): an advisor's reception slot and workshop hours."""

    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    customer = models.ForeignKey("crm.Customer", on_delete=models.PROTECT,
                                 related_name="appointments", verbose_name=_("customer"))
    vehicle = models.ForeignKey("crm.Vehicle", on_delete=models.PROTECT,
                                related_name="appointments", verbose_name=_("vehicle"))
    advisor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("service advisor"))
    start = models.DateTimeField(_("time"))
    category = models.CharField(_("category"), max_length=30, choices=ROCategory)
    estimated_hours = models.DecimalField(_("estimated hours"), max_digits=6, decimal_places=2)
    description = models.TextField(_("what the customer says"), blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=AppointmentChannel,
                               default=AppointmentChannel.PHONE)
    operations = models.ManyToManyField(LabourOperation, blank=True, related_name="+",
                                        verbose_name=_("labour operations"))
    status = models.CharField(_("status"), max_length=20, choices=AppointmentStatus,
                              default=AppointmentStatus.BOOKED, editable=False)
    rescheduled_from = models.OneToOneField("self", on_delete=models.PROTECT, null=True,
                                            blank=True, related_name="rescheduled_to",
                                            editable=False)
    created_at = models.DateTimeField(editable=False)
    cancel_reason = models.CharField(_("cancel reason"), max_length=200, blank=True,
                                     editable=False)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["store", "start"], name="service_appt_store_start"),
            models.Index(fields=["store", "advisor", "start"], name="service_appt_advisor"),
            models.Index(fields=["store", "status"], name="service_appt_status"),
        ]

    def __str__(self) -> str:
        return self.number


class RepairOrder(StoreOwnedModel):
    """The signed work order of one visit (任务委托书, SV-6 … SV-16)."""

    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    customer = models.ForeignKey("crm.Customer", on_delete=models.PROTECT,
                                 related_name="repair_orders", verbose_name=_("customer"))
    vehicle = models.ForeignKey("crm.Vehicle", on_delete=models.PROTECT,
                                related_name="repair_orders", verbose_name=_("vehicle"))
    advisor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("service advisor"))
    category = models.CharField(_("category"), max_length=30, choices=ROCategory)
    status = models.CharField(_("status"), max_length=20, choices=ROStatus,
                              default=ROStatus.DRAFT, editable=False)
    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="repair_order")
    comeback_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="comebacks", verbose_name=_("comeback of"))
    # Reception (接待, SV-7)
    mileage = models.PositiveIntegerField(_("mileage (km)"))
    fuel_level = models.PositiveSmallIntegerField(_("fuel level %"), null=True, blank=True)
    damage_notes = models.TextField(_("exterior damage"), blank=True)
    valuables = models.CharField(_("valuables left in the car"), max_length=200, blank=True)
    items_handed_over = models.CharField(_("items handed over"), max_length=200, blank=True)
    covers_applied = models.BooleanField(_("protective covers applied"), default=False)
    customer_waits = models.BooleanField(_("customer waits"), default=False)
    return_old_parts = models.BooleanField(_("old parts back to the customer"), default=False)
    diagnosis = models.TextField(_("advisor's diagnosis"), blank=True)
    promised_at = models.DateTimeField(_("promised delivery"))
    received_at = models.DateTimeField(_("received"), editable=False)
    # Signature and approvals (SV-7, SV-8)
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    signed_by_name = models.CharField(max_length=50, blank=True, editable=False)
    signature = models.TextField(blank=True, editable=False)
    phone_consent = models.BooleanField(default=False, editable=False)
    signed_estimate = MoneyField(_("signed estimate"), editable=False)
    contract_approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+", editable=False)
    contract_approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Money (SV-15)
    estimate_total = MoneyField(_("estimate"), editable=False)
    customer_total = MoneyField(_("customer pays"), editable=False)
    discount_percent = models.DecimalField(_("discount %"), max_digits=5, decimal_places=2,
                                           default=0, editable=False)
    discount_approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+", editable=False)
    paid = MoneyField(_("paid"), editable=False)
    # Milestones
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    inspected_at = models.DateTimeField(null=True, blank=True, editable=False)
    certificate_number = models.CharField(_("completion certificate"), max_length=40,
                                          blank=True, editable=False)
    settled_at = models.DateTimeField(null=True, blank=True, editable=False)
    released_at = models.DateTimeField(null=True, blank=True, editable=False)
    gate_pass_number = models.CharField(_("gate pass"), max_length=40, blank=True,
                                        editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancel_reason = models.CharField(_("cancel reason"), max_length=200, blank=True,
                                     editable=False)

    class Meta:
        verbose_name = _("repair order")
        verbose_name_plural = _("repair orders")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("approve_contract", _("Can approve repair contracts")),
            ("dispatch_jobs", _("Can assign jobs to technicians")),
            ("work_jobs", _("Can clock on jobs")),
            ("inspect_foreman", _("Can do the foreman's inspection")),
            ("inspect_final", _("Can do the final inspection")),
            ("approve_service_discount", _("Can approve service discounts")),
            ("release_vehicle", _("Can issue gate passes")),
            ("view_service_kpis", _("Can view the service KPIs")),
        ]
        indexes = [
            models.Index(fields=["store", "status"], name="service_ro_store_status"),
            models.Index(fields=["store", "received_at"], name="service_ro_store_received"),
            models.Index(fields=["store", "promised_at"], name="service_ro_store_promised"),
            models.Index(fields=["store", "vehicle"], name="service_ro_store_vehicle"),
            # The service KPIs count the orders settled and released in a period.
            models.Index(fields=["store", "settled_at"], name="service_ro_store_settled"),
            models.Index(fields=["store", "released_at"], name="service_ro_store_released"),
        ]

    def __str__(self) -> str:
        return self.number


class Concern(models.Model):
    """One complaint of the customer, in their words (SV-7)."""

    repair_order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE,
                                     related_name="concerns")
    text = models.CharField(_("complaint"), max_length=300)

    class Meta:
        verbose_name = _("customer complaint")
        verbose_name_plural = _("customer complaints")
        ordering = ["id"]
        default_permissions = ()

    def __str__(self) -> str:
        return self.text


class LineApproval(models.Model):
    """Fields shared by job and part lines: payer, additional work and its approval."""

    payer = models.CharField(_("payer"), max_length=20, choices=Payer, default=Payer.CUSTOMER)
    additional = models.BooleanField(_("additional work"), default=False)
    approved_at = models.DateTimeField(_("customer approved"), null=True, blank=True,
                                       editable=False)
    approved_by_name = models.CharField(max_length=50, blank=True, editable=False)
    approval_channel = models.CharField(max_length=20, choices=ApprovalChannel, blank=True,
                                        editable=False)
    declined = models.BooleanField(_("declined (recommended work)"), default=False,
                                   editable=False)
    safety_related = models.BooleanField(_("safety item"), default=False)

    class Meta:
        abstract = True

    @property
    def needs_approval(self) -> bool:
        return self.additional and self.approved_at is None and not self.declined


class Job(LineApproval):
    """A job line (维修项目, SV-9)."""

    repair_order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE,
                                     related_name="jobs")
    operation = models.ForeignKey(LabourOperation, on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+")
    name = models.CharField(_("job"), max_length=120)
    hours = models.DecimalField(_("sold hours"), max_digits=6, decimal_places=2)
    rate = MoneyField(_("hourly rate"))
    amount = MoneyField(_("amount"), editable=False)
    technician = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("technician"))
    status = models.CharField(_("status"), max_length=20, choices=JobStatus,
                              default=JobStatus.PENDING, editable=False)
    actual_hours = models.DecimalField(_("clocked hours"), max_digits=7, decimal_places=2,
                                       default=0, editable=False)
    self_checked = models.BooleanField(_("self-checked"), default=False, editable=False)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["id"]
        default_permissions = ()
        indexes = [models.Index(fields=["technician", "status"], name="service_job_tech")]

    def __str__(self) -> str:
        return self.name


class JobClock(models.Model):
    """One stretch of work on a job (clock on … pause/finish, SV-10)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="clocks")
    technician = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start"]
        default_permissions = ()
        # The workshop KPIs find the jobs finished in a period by their last clock's end.
        indexes = [models.Index(fields=["end"], name="service_jobclock_end")]

    def __str__(self) -> str:
        return f"{self.job_id} {self.start:%H:%M}"


class PartLine(LineApproval):
    """A part line (配件, SV-9, SV-12); issued quantity comes from the parts ledger."""

    repair_order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE,
                                     related_name="part_lines")
    part = models.ForeignKey("parts.Part", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("part"))
    quantity = QuantityField(_("quantity"))
    unit_price = MoneyField(_("unit price"))
    amount = MoneyField(_("amount"), editable=False)
    issued = QuantityField(_("issued"), editable=False)

    class Meta:
        verbose_name = _("part line")
        verbose_name_plural = _("part lines")
        ordering = ["id"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.part_id} × {self.quantity}"


class Inspection(models.Model):
    """One level of the three-level inspection (三级检验, SV-13)."""

    class Level(models.IntegerChoices):
        SELF = 1, _("Technician self-check")
        FOREMAN = 2, _("Foreman check")
        FINAL = 3, _("Final inspection")

    repair_order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE,
                                     related_name="inspections")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, null=True, blank=True,
                            related_name="inspections")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level)
    inspector = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    passed = models.BooleanField(_("passed"))
    findings = models.TextField(_("findings"), blank=True)
    checks = models.JSONField(_("checks"), default=dict, blank=True)
    wear = models.JSONField(_("remaining life of wear parts %"), default=dict, blank=True)
    road_test = models.BooleanField(_("road test"), default=False)
    # SV-20: the measuring instrument used; an instrument overdue for calibration is refused.
    instrument = models.ForeignKey("service.Equipment", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="inspections",
                                   verbose_name=_("measuring instrument"))

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["repair_order", "at", "id"]
        default_permissions = ("view",)
        # First-time-pass rates count the final inspections of a period.
        indexes = [models.Index(fields=["level", "at"], name="service_insp_level_at")]

    def __str__(self) -> str:
        return f"{self.repair_order_id} L{self.level} {'✓' if self.passed else '✗'}"
