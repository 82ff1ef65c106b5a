"""The showroom log form (CS-9). The report filters (month, period) are in
``siwei.sales.forms_reports``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from siwei.core import clock
from siwei.core.validators import validate_mobile

from .models import VehicleModel, VisitKind

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _style(form: forms.Form) -> None:
    """Bootstrap 5 classes on every widget."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect
                      | forms.CheckboxSelectMultiple):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ConsultantField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        employee = getattr(obj, "employee", None)
        return employee.name if employee is not None else obj.get_username()


class ShowroomVisitForm(forms.Form):
    """The receptionist's quick entry of a walk-in or an inbound call."""

    kind = forms.ChoiceField(label=_("Kind"), choices=VisitKind.choices,
                             initial=VisitKind.WALK_IN, widget=forms.RadioSelect)
    time_in = forms.DateTimeField(
        label=_("Time in"), input_formats=[DATETIME_LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL))
    party_size = forms.IntegerField(label=_("Party size"), min_value=1, max_value=30,
                                    initial=1)
    first_visit = forms.BooleanField(label=_("First visit"), required=False, initial=True)
    models = forms.ModelMultipleChoiceField(label=_("Models of interest"), required=False,
                                            queryset=VehicleModel.objects.none(),
                                            widget=forms.CheckboxSelectMultiple)
    consultant = ConsultantField(label=_("Consultant"), required=False, queryset=None,
                                 empty_label=_("Not yet assigned"))
    visitor_name = forms.CharField(label=_("Visitor name"), max_length=50, required=False)
    visitor_mobile = forms.CharField(label=_("Visitor mobile"), max_length=20, required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "tel",
                                                                   "autocomplete": "off"}))
    test_drive = forms.BooleanField(label=_("Test drive"), required=False)
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(self, *args, store, consultants, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["models"].queryset = VehicleModel.objects.filter(group_id=store.group_id)
        self.fields["consultant"].queryset = get_user_model().objects.filter(
            pk__in=[c.pk for c in consultants]).select_related("employee").order_by(
            "employee__name", "id")
        _style(self)
        self.fields["party_size"].widget.attrs["inputmode"] = "numeric"
        self.fields["kind"].widget.attrs["class"] = "btn-check"

    def clean_visitor_mobile(self) -> str:
        value = self.cleaned_data["visitor_mobile"].strip()
        return validate_mobile(value) if value else ""

    def clean_time_in(self) -> dt.datetime:
        value = self.cleaned_data["time_in"]
        now = clock.now()
        if value > now + dt.timedelta(minutes=5):
            raise ValidationError(_("The time in cannot be in the future."))
        if value < now - dt.timedelta(days=7):
            raise ValidationError(_("Log visits of the last 7 days only."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("kind") == VisitKind.CALL and data.get("test_drive"):
            self.add_error("test_drive", _("A phone call cannot include a test drive."))
        return data

