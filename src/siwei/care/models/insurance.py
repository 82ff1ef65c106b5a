"""Insurance renewals (续保, CR-5): the renewal rate is the vehicles renewed through us
over the vehicles whose insurance expired in a period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siwei.core.scoping import StoreOwnedModel

USER = settings.AUTH_USER_MODEL


class InsuranceRenewal(StoreOwnedModel):
    """One renewal of a vehicle's insurance, through us or elsewhere. ``previous_expiry``
    is the expiry it replaced: the month of that date is the period the renewal counts
    in."""

    vehicle = models.ForeignKey("crm.Vehicle", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("vehicle"))
    customer = models.ForeignKey("crm.Customer", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name=_("customer"))
    previous_company = models.CharField(_("previous insurer"), max_length=50, blank=True)
    previous_expiry = models.DateField(_("previous expiry"), null=True, blank=True)
    company = models.CharField(_("insurance company"), max_length=50)
    new_expiry = models.DateField(_("new expiry"))
    through_us = models.BooleanField(_("renewed through us"), default=True)
    recorded_at = models.DateTimeField(_("recorded"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("insurance renewal")
        verbose_name_plural = _("insurance renewals")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["store", "previous_expiry"],
                                name="care_renewal_store_expiry")]

    def __str__(self) -> str:
        return f"{self.vehicle_id} → {self.new_expiry:%Y-%m-%d}"
