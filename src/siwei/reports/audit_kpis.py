"""Audit labels of the KPI targets (FN-6)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {"kpi_target.set": _("KPI target entered"),
                 "kpi_target.clear": _("KPI target removed")}
