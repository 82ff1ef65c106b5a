"""Forms of the reminder pages: record an insurance renewal, edit the care settings.
They only parse; the services check the rules and name the field they refuse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CareSettings

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            else:
                widget.attrs.setdefault("class", "form-control")

    def add_service_errors(self, exc) -> None:
        """Show a service's ValidationError on the fields it names."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)


class RenewalForm(_Styled):
    company = forms.CharField(label=_("Insurance company"), max_length=50)
    new_expiry = forms.DateField(label=_("New expiry"), widget=DATE)
    through_us = forms.BooleanField(label=_("Renewed through us"), required=False,
                                    initial=True)


def _field_label(name: str) -> str:
    return CareSettings._meta.get_field(name).verbose_name


class CareSettingsForm(_Styled):
    maintenance_days_before = forms.IntegerField(label=_field_label("maintenance_days_before"))
    insurance_days_before = forms.CharField(
        label=_field_label("insurance_days_before"), max_length=40,
        help_text=_("Days before the expiry, separated by commas, e.g. 60, 30."))
    warranty_days_before = forms.IntegerField(label=_field_label("warranty_days_before"))
    lost_lead_revisit_months = forms.IntegerField(
        label=_field_label("lost_lead_revisit_months"))
    complaint_csi_below = forms.DecimalField(label=_field_label("complaint_csi_below"),
                                             max_digits=5, decimal_places=2)
    acknowledge_hours = forms.IntegerField(label=_field_label("acknowledge_hours"))
    resolve_hours = forms.IntegerField(label=_field_label("resolve_hours"))
    business_hours_only = forms.BooleanField(label=_field_label("business_hours_only"),
                                             required=False)
    business_start = forms.TimeField(label=_field_label("business_start"), widget=TIME)
    business_end = forms.TimeField(label=_field_label("business_end"), widget=TIME)
    marketing_cap = forms.IntegerField(label=_field_label("marketing_cap"))

    @classmethod
    def initial_from(cls, row: CareSettings) -> dict:
        initial = {name: getattr(row, name) for name in cls.base_fields}
        initial["insurance_days_before"] = ", ".join(
            str(d) for d in (row.insurance_days_before or [60, 30]))
        return initial
