"""Form of the profit area (FN-5): a month's store overhead."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from siwei.core.forms import BootstrapMixin


class OverheadForm(BootstrapMixin, forms.Form):
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m", "%Y-%m-%d"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
    amount = forms.DecimalField(label=_("Overhead"), max_digits=14, decimal_places=2,
                                min_value=Decimal(0))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
