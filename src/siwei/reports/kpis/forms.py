"""Form of the KPI targets page (FN-6): a month and one target per KPI."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from siwei.core.forms import BootstrapMixin

from .definitions import KPIS


class KpiTargetsForm(BootstrapMixin, forms.Form):
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m", "%Y-%m-%d"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))

    def __init__(self, *args, disabled: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for kpi in KPIS:
            self.fields[kpi.code] = forms.DecimalField(
                label=kpi.label, required=False, max_digits=14, decimal_places=2,
                disabled=disabled, widget=forms.NumberInput(attrs={"step": "any"}))
        self._style()

    def target_values(self) -> dict:
        """The KPI targets entered (None: no target for that KPI)."""
        return {kpi.code: self.cleaned_data.get(kpi.code) for kpi in KPIS}
