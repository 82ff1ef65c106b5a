"""Forms of the workshop pages: dispatch, the technician's finish with self-check, the
foreman's check and the final inspection (SV-10, SV-13), report periods."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from siwei.core import clock

from .models import CalibrationState
from .selectors_workshop import Period, person_name
from .services.workshop import WEAR_PARTS

RESULT_CHOICES = [("pass", _("Passed")), ("fail", _("Failed"))]

CHECK_LABELS = {
    "safety": _("Safety"),
    "power": _("Power"),
    "economy": _("Economy (fuel, energy)"),
    "reliability": _("Reliability"),
    "emissions": _("Emissions"),
    "cleanliness": _("Cleanliness"),
}

WEAR_LABELS = {
    "tyres": _("Tyres"),
    "brake_pads": _("Brake pads"),
    "brake_discs": _("Brake discs"),
    "wiper_blades": _("Wiper blades"),
    "battery": _("Battery"),
}


class BootstrapMixin:
    """Bootstrap 5 classes on every widget, large enough for a tablet."""

    def _style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class AssignForm(BootstrapMixin, forms.Form):
    """The technician for a job: one of those on shift today."""

    technician = forms.TypedChoiceField(label=_("Technician"), coerce=int)

    def __init__(self, *args, technicians, **kwargs):
        super().__init__(*args, **kwargs)
        self.technicians = {t.pk: t for t in technicians}
        self.fields["technician"].choices = [("", _("Choose…"))] + [
            (t.pk, person_name(t)) for t in technicians]
        self._style()

    def clean_technician(self):
        return self.technicians[self.cleaned_data["technician"]]


class FinishForm(BootstrapMixin, forms.Form):
    """Finish a job with the self-check (level 1)."""

    result = forms.ChoiceField(label=_("Self-check"), choices=RESULT_CHOICES,
                               widget=forms.RadioSelect, initial="pass")
    findings = forms.CharField(label=_("Findings"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    @property
    def passed(self) -> bool:
        return self.cleaned_data["result"] == "pass"


class InspectionForm(BootstrapMixin, forms.Form):
    """The foreman's check (level 2) or, with the checks, road test and wear parts, the
    final inspection (level 3)."""

    result = forms.ChoiceField(label=_("Result"), choices=RESULT_CHOICES,
                               widget=forms.RadioSelect)
    job = forms.TypedChoiceField(label=_("Job concerned by a failure"), coerce=int,
                                 required=False, empty_value=None)
    findings = forms.CharField(label=_("Findings"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 3}))

    instrument = forms.TypedChoiceField(label=_("Measuring instrument used"), coerce=int,
                                        required=False, empty_value=None)

    def __init__(self, *args, level: int, jobs, instruments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.level = level
        self.jobs = {j.pk: j for j in jobs}
        self.fields["job"].choices = [("", _("The whole order"))] + [
            (j.pk, j.name) for j in jobs]
        # SV-20: every instrument of the store is listed with its calibration state; one
        # overdue for calibration is refused when the inspection is recorded.
        today = clock.today()
        self.instruments = {i.pk: i for i in instruments}
        self.fields["instrument"].choices = [("", _("None"))] + [
            (i.pk, f"{i} · {CalibrationState(i.calibration_state(today)).label}")
            for i in instruments]
        if level == 3:
            for key, label in CHECK_LABELS.items():
                self.fields[f"check_{key}"] = forms.BooleanField(label=label, required=False)
            self.fields["road_test"] = forms.BooleanField(label=_("Road test done"),
                                                          required=False)
            for key in WEAR_PARTS:
                self.fields[f"wear_{key}"] = forms.IntegerField(
                    label=WEAR_LABELS[key], required=False, min_value=0, max_value=100,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}))
        self._style()

    def check_fields(self):
        return [self[f"check_{key}"] for key in CHECK_LABELS if f"check_{key}" in self.fields]

    def wear_fields(self):
        return [self[f"wear_{key}"] for key in WEAR_PARTS if f"wear_{key}" in self.fields]

    def values(self) -> dict:
        data = self.cleaned_data
        values = {"passed": data["result"] == "pass", "findings": data.get("findings", ""),
                  "job": self.jobs.get(data.get("job")),
                  "instrument": self.instruments.get(data.get("instrument"))}
        if self.level == 3:
            values["checks"] = {key: bool(data.get(f"check_{key}")) for key in CHECK_LABELS}
            values["wear"] = {key: data[f"wear_{key}"] for key in WEAR_PARTS
                              if data.get(f"wear_{key}") is not None}
            values["road_test"] = bool(data.get("road_test"))
        return values


class PeriodForm(BootstrapMixin, forms.Form):
    """A period of days (both included), at most a year."""

    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, default_days: int = 7, month_to_date: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_days, self.month_to_date = default_days, month_to_date
        self._style()

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The period ends before it starts."))
            elif (end - start).days > 366:
                self.add_error("end", _("Choose a period of at most a year."))
        return data

    def period(self) -> Period:
        today = clock.today()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        end = data.get("end") or today
        default_start = end.replace(day=1) if self.month_to_date else (
            end - dt.timedelta(days=self.default_days - 1))
        start = data.get("start") or min(default_start, end)
        return Period(start, end)
