"""Department profit (FN-5): the store's overhead of each month, entered by finance; the
profit itself is computed from the documents (``selectors_profit``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siwei.core.fields import MoneyField
from siwei.core.scoping import StoreOwnedModel


class MonthlyOverhead(StoreOwnedModel):
    """A store's overhead (费用) of one month — wages, rent, utilities, depreciation … —
    the denominator of service absorption (售后吸收率)."""

    month = models.DateField(_("month"), help_text=_("the first day of the month"))
    amount = MoneyField(_("overhead"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+", editable=False)
    entered_at = models.DateTimeField(_("entered"), editable=False)

    class Meta:
        verbose_name = _("monthly overhead")
        verbose_name_plural = _("monthly overheads")
        ordering = ["-month"]
        default_permissions = ("view", "change")
        permissions = [("view_department_profit", _("Can see department profit"))]
        constraints = [models.UniqueConstraint(fields=["store", "month"],
                                               name="finance_overhead_one_per_month")]

    def __str__(self) -> str:
        return f"{self.store_id} {self.month:%Y-%m}"
