"""The managers' KPI targets (FN-6): a store's target of one KPI for one month, entered by
the store manager. The actual figures are computed from the documents
(``siwei.reports.kpis.selectors``); the list of KPIs is ``siwei.reports.kpis.definitions``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siwei.core.scoping import StoreOwnedModel


class KpiTarget(StoreOwnedModel):
    """The target of one KPI (``kpi`` is the KPI's code) for a store and a month."""

    month = models.DateField(_("month"), help_text=_("the first day of the month"))
    kpi = models.CharField(_("KPI"), max_length=40)
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+", editable=False)
    entered_at = models.DateTimeField(_("entered"), editable=False)

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        ordering = ["-month", "kpi"]
        default_permissions = ("view", "change")
        permissions = [("view_kpis", _("Can see the KPIs against targets"))]
        constraints = [models.UniqueConstraint(fields=["store", "month", "kpi"],
                                               name="reports_kpi_target_one_per_month")]
        indexes = [models.Index(fields=["store", "month"], name="reports_kpitarget_month")]

    def __str__(self) -> str:
        return f"{self.store_id} {self.month:%Y-%m} {self.kpi}"
