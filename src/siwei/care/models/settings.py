"""Per-store settings of customer care."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class CareSettings(models.Model):
    store = models.OneToOneField("core.Store", on_delete=models.CASCADE,
                                 related_name="care_settings")
    # CR-3: a CSI below this (0–100) or any complaint in the call opens a complaint.
    complaint_csi_below = models.DecimalField(_("open a complaint when CSI is below"),
                                              max_digits=5, decimal_places=2,
                                              default=Decimal("60"))
    # CR-5
    maintenance_days_before = models.PositiveSmallIntegerField(
        _("maintenance reminder (days before)"), default=14)
    insurance_days_before = models.JSONField(_("insurance reminders (days before)"),
                                             default=list)
    warranty_days_before = models.PositiveSmallIntegerField(
        _("warranty ending reminder (days before)"), default=30)
    lost_lead_revisit_months = models.PositiveSmallIntegerField(
        _("lost lead revisit (months)"), default=3)
    # CR-7
    acknowledge_hours = models.PositiveSmallIntegerField(_("acknowledge within (hours)"),
                                                         default=24)
    resolve_hours = models.PositiveSmallIntegerField(_("resolve within (hours)"), default=48)
    business_hours_only = models.BooleanField(_("SLA counts business hours only"),
                                              default=False)
    business_start = models.TimeField(_("business day starts"), default=dt.time(8, 30))
    business_end = models.TimeField(_("business day ends"), default=dt.time(18, 0))
    # CR-11
    marketing_cap = models.PositiveSmallIntegerField(
        _("marketing messages per customer per 30 days"), default=2)

    class Meta:
        verbose_name = _("care settings")
        verbose_name_plural = _("care settings")

    def __str__(self) -> str:
        return str(self.store)

    def save(self, *args, **kwargs):
        if not self.insurance_days_before:
            self.insurance_days_before = [60, 30]
        super().save(*args, **kwargs)


def care_settings(store) -> CareSettings:
    """The store's care settings, created with the defaults on first use."""
    found, _created = CareSettings.objects.get_or_create(store=store)
    return found
