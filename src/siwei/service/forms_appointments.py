"""Forms of the appointment pages: booking, arrival, cancelling, shifts, calendar, KPIs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from siwei.core import clock

from .models import AppointmentChannel, LabourOperation, ROCategory
from .services.appointments import advisors


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class AdvisorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        employee = getattr(obj, "employee", None)
        return employee.name if employee else obj.get_username()


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class SlotFinderForm(forms.Form):
    """Day, SA and the hours the work needs (or its category)."""

    date = forms.DateField(label=_("Day"), widget=DateInput())
    advisor = AdvisorChoiceField(label=_("Service advisor"), queryset=None, required=False,
                                 empty_label=_("Every service advisor"))
    category = forms.ChoiceField(label=_("Service type"), choices=[("", "—"), *ROCategory.choices],
                                 required=False)
    hours = forms.DecimalField(label=_("Hours needed"), required=False, min_value=Decimal("0.1"),
                               max_digits=6, decimal_places=2)

    def __init__(self, *args, store, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advisor"].queryset = advisors(store)
        _styled(self)


class AppointmentForm(forms.Form):
    """SV-1 booking of a chosen vehicle at a chosen slot."""

    start = forms.DateTimeField(label=_("Time"), widget=DateTimeInput())
    advisor = AdvisorChoiceField(label=_("Service advisor"), queryset=None)
    category = forms.ChoiceField(label=_("Service type"), choices=ROCategory.choices,
                                 initial=ROCategory.MAINTENANCE)
    operations = forms.ModelMultipleChoiceField(
        label=_("Labour operations"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple)
    estimated_hours = forms.DecimalField(
        label=_("Estimated hours"), required=False, min_value=Decimal("0.01"), max_digits=6,
        decimal_places=2,
        help_text=_("Leave empty: the operations' standard hours for the model, else the "
                    "category's."))
    description = forms.CharField(label=_("What the customer says (one complaint a line)"),
                                  required=False, widget=forms.Textarea(attrs={"rows": 3}))
    channel = forms.ChoiceField(label=_("Channel"), choices=AppointmentChannel.choices,
                                initial=AppointmentChannel.PHONE)
    parts = forms.CharField(
        label=_("Parts to reserve"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One part a line: part number and quantity, e.g. 06L115562B 1"))

    def __init__(self, *args, store, **kwargs):
        super().__init__(*args, **kwargs)
        self.store = store
        self.fields["advisor"].queryset = advisors(store)
        self.fields["operations"].queryset = LabourOperation.objects.filter(
            group_id=store.group_id).order_by("code")
        if not self.fields["operations"].queryset.exists():
            del self.fields["operations"]
        _styled(self)

    def clean_start(self):
        start = self.cleaned_data["start"]
        if timezone.is_naive(start):
            start = timezone.make_aware(start)
        return start

    def clean_parts(self) -> list[tuple]:
        from siwei.parts.models import Part

        lines, errors = [], []
        for number, raw in enumerate((self.cleaned_data.get("parts") or "").splitlines(), 1):
            words = raw.replace("×", " ").replace("*", " ").split()
            if not words:
                continue
            quantity = Decimal(1)
            if len(words) > 1:
                try:
                    quantity = Decimal(words[-1])
                except ArithmeticError:
                    errors.append(_("Line %(n)s: the quantity is not a number.") % {"n": number})
                    continue
            part = Part.objects.filter(group_id=self.store.group_id,
                                       number__iexact=words[0]).first()
            if part is None:
                errors.append(_("Line %(n)s: no part %(number)s.") % {"n": number,
                                                                      "number": words[0]})
                continue
            if quantity <= 0:
                errors.append(_("Line %(n)s: the quantity must be greater than zero.")
                              % {"n": number})
                continue
            lines.append((part, quantity))
        if errors:
            raise forms.ValidationError(errors)
        return lines


class ArriveForm(forms.Form):
    """SV-7 reception of a booked car: the mileage must be read off the odometer."""

    mileage = forms.IntegerField(label=_("Mileage (km)"), min_value=0, max_value=2_000_000)
    promised_at = forms.DateTimeField(label=_("Promised delivery"), widget=DateTimeInput())
    complaints = forms.CharField(label=_("Customer complaints (one a line)"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    fuel_level = forms.IntegerField(label=_("Fuel level %"), required=False, min_value=0,
                                    max_value=100)
    covers_applied = forms.BooleanField(label=_("Protective covers applied"), required=False)
    customer_waits = forms.BooleanField(label=_("Customer waits"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mileage"].widget.attrs.update(inputmode="numeric", autofocus=True)
        _styled(self)

    def clean_promised_at(self):
        value = self.cleaned_data["promised_at"]
        return timezone.make_aware(value) if timezone.is_naive(value) else value

    def clean_complaints(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("complaints") or "").splitlines()
                if line.strip()]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class ShiftForm(forms.Form):
    """One technician's shift over a range of days (a whole week in one go)."""

    technicians = forms.ModelMultipleChoiceField(
        label=_("Technicians"), queryset=None, widget=forms.CheckboxSelectMultiple)
    first_day = forms.DateField(label=_("From"), widget=DateInput())
    last_day = forms.DateField(label=_("Until"), widget=DateInput())
    start = forms.TimeField(label=_("Shift starts"), widget=TimeInput(), initial=dt.time(8, 30))
    end = forms.TimeField(label=_("Shift ends"), widget=TimeInput(), initial=dt.time(17, 30))
    working_days_only = forms.BooleanField(label=_("Only the store's working days"),
                                           required=False, initial=True)

    def __init__(self, *args, technicians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technicians"].queryset = technicians
        self.fields["technicians"].label_from_instance = (
            lambda u: getattr(getattr(u, "employee", None), "name", "") or u.get_username())
        _styled(self)

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last:
            if last < first:
                self.add_error("last_day", _("The last day is before the first."))
            elif (last - first).days > 62:
                self.add_error("last_day", _("Set at most two months at a time."))
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The shift must end after it starts."))
        return data


class CalendarDayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DateInput())
    is_working = forms.TypedChoiceField(
        label=_("The store"), coerce=lambda v: v == "1",
        choices=[("1", _("works")), ("0", _("is closed"))])
    note = forms.CharField(label=_("Note"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("Until"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end is before the start."))
            elif (end - start).days > 366:
                self.add_error("end", _("Choose at most one year."))
        return data


def default_period() -> tuple[dt.date, dt.date]:
    today = clock.today()
    return today.replace(day=1), today
