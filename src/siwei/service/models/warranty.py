"""Warranty claims with their failed parts (SV-17) and the maintenance plans of the
group's models (SV-18)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siwei.core.enums import Transitions, colored
from siwei.core.fields import MoneyField, QuantityField
from siwei.core.scoping import StoreOwnedModel

USER = settings.AUTH_USER_MODEL


class MaintenancePlan(models.Model):
    """The maintenance rhythm of a model (SV-18): first maintenance (首保) at ``first_km``
    or ``first_months`` after the sale, then every ``interval_km`` or ``interval_months``.
    A row without a model is the group's default."""

    group = models.ForeignKey("core.DealerGroup", on_delete=models.PROTECT, related_name="+")
    model = models.ForeignKey("crm.VehicleModel", on_delete=models.CASCADE, null=True,
                              blank=True, related_name="+", verbose_name=_("model"))
    first_km = models.PositiveIntegerField(_("first maintenance (km)"), default=5000)
    first_months = models.PositiveSmallIntegerField(_("first maintenance (months)"), default=6)
    interval_km = models.PositiveIntegerField(_("then every (km)"), default=10000)
    interval_months = models.PositiveSmallIntegerField(_("then every (months)"), default=12)

    class Meta:
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")
        constraints = [
            models.UniqueConstraint(fields=["group", "model"], name="service_mplan_model",
                                    condition=models.Q(model__isnull=False)),
            models.UniqueConstraint(fields=["group"], name="service_mplan_default",
                                    condition=models.Q(model__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.model or '*'}: {self.first_km}/{self.interval_km} km"


@colored(draft="secondary", submitted="primary", approved="success", rejected="danger",
         paid="dark")
class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")


C = ClaimStatus
CLAIM_FLOW = Transitions({
    "edit": ([C.DRAFT, C.REJECTED], None),
    "submit": ([C.DRAFT], C.SUBMITTED),
    "approve": ([C.SUBMITTED], C.APPROVED),
    "reject": ([C.SUBMITTED], C.REJECTED),
    "resubmit": ([C.REJECTED], C.SUBMITTED),
    "mark_paid": ([C.APPROVED], C.PAID),
})


class WarrantyClaim(StoreOwnedModel):
    """A claim to the OEM (索赔单) for the warranty lines of one repair order (SV-17).
    The claimed, then approved, amount is a receivable from the OEM."""

    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    repair_order = models.OneToOneField("service.RepairOrder", on_delete=models.PROTECT,
                                        related_name="warranty_claim",
                                        verbose_name=_("repair order"))
    vehicle = models.ForeignKey("crm.Vehicle", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("vehicle"))
    vin = models.CharField(_("VIN"), max_length=17)
    mileage = models.PositiveIntegerField(_("mileage (km)"))
    repair_date = models.DateField(_("repair date"))
    complaint = models.TextField(_("complaint"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    correction = models.TextField(_("correction"), blank=True)
    causal_part = models.ForeignKey("parts.Part", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+",
                                    verbose_name=_("causal part"))
    failure_code = models.CharField(_("failure code"), max_length=30, blank=True)
    labour_hours = models.DecimalField(_("labour hours"), max_digits=7, decimal_places=2,
                                       default=0, editable=False)
    labour_amount = MoneyField(_("labour amount"), editable=False)
    parts_amount = MoneyField(_("parts amount"), editable=False)
    amount = MoneyField(_("claimed amount"), editable=False)
    status = models.CharField(_("status"), max_length=20, choices=ClaimStatus,
                              default=ClaimStatus.DRAFT, editable=False)
    approved_amount = MoneyField(_("approved amount"), null=True, blank=True, default=None,
                                 editable=False)
    rejection_reason = models.CharField(_("rejection reason"), max_length=300, blank=True,
                                        editable=False)
    submissions = models.PositiveSmallIntegerField(_("submissions"), default=0, editable=False)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+",
                                   editable=False)
    created_at = models.DateTimeField(_("created"), editable=False)
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True,
                                              editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("answered by the OEM"), null=True, blank=True,
                                      editable=False)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("warranty claim")
        verbose_name_plural = _("warranty claims")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["store", "status"], name="service_claim_status"),
                   models.Index(fields=["store", "created_at"], name="service_claim_created")]

    def __str__(self) -> str:
        return self.number


class ClaimLineKind(models.TextChoices):
    LABOUR = "labour", _("Labour")
    PART = "part", _("Part")


class WarrantyClaimLine(models.Model):
    """A labour operation or a part of the claim, copied from the repair order."""

    claim = models.ForeignKey(WarrantyClaim, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=10, choices=ClaimLineKind)
    job = models.ForeignKey("service.Job", on_delete=models.PROTECT, null=True, blank=True,
                            related_name="+")
    part_line = models.ForeignKey("service.PartLine", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+")
    code = models.CharField(_("code"), max_length=40, blank=True)
    description = models.CharField(_("description"), max_length=120)
    part = models.ForeignKey("parts.Part", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("part"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2, default=0)
    quantity = QuantityField(_("quantity"))
    unit_price = MoneyField(_("unit price"))
    amount = MoneyField(_("amount"))

    class Meta:
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        ordering = ["id"]
        default_permissions = ()

    def __str__(self) -> str:
        return self.description


@colored(kept="warning", returned="success", scrapped="secondary")
class TagStatus(models.TextChoices):
    KEPT = "kept", _("Kept on the shelf")
    RETURNED = "returned", _("Returned to the OEM")
    SCRAPPED = "scrapped", _("Scrapped")


class FailedPartTag(StoreOwnedModel):
    """A failed part taken off a car under warranty, kept tagged with the claim number
    until the OEM says to return or scrap it (SV-17)."""

    claim = models.ForeignKey(WarrantyClaim, on_delete=models.PROTECT,
                              related_name="failed_parts")
    part = models.ForeignKey("parts.Part", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("part"))
    quantity = QuantityField(_("quantity"))
    tag = models.CharField(_("tag"), max_length=50)
    status = models.CharField(_("status"), max_length=20, choices=TagStatus,
                              default=TagStatus.KEPT, editable=False)
    tagged_at = models.DateTimeField(_("tagged"), editable=False)
    disposed_at = models.DateTimeField(_("disposed"), null=True, blank=True, editable=False)
    disposed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", editable=False)
    reference = models.CharField(_("OEM instruction / shipment"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("failed part")
        verbose_name_plural = _("failed parts")
        ordering = ["tagged_at", "id"]
        indexes = [models.Index(fields=["store", "status"], name="service_tag_status")]

    def __str__(self) -> str:
        return self.tag
