"""Forms of the sales reports, test drives and targets (CS-10 … CS-12, CS-20, CS-8)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from siwei.core import clock
from siwei.core.forms import BootstrapMixin
from siwei.core.validators import normalize_mobile
from siwei.crm.models import Customer, LeadGrade

from .reports import TARGET_METRICS, person_name

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


# --- periods -------------------------------------------------------------------------


class MonthField(forms.DateField):
    """``YYYY-MM`` (an ``<input type="month">``) → the first day of the month."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class MonthForm(BootstrapMixin, forms.Form):
    month = MonthField(label=_("Month"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month and not dt.date(2000, 1, 1) <= month <= dt.date(2100, 1, 1):
            raise ValidationError(_("Choose a month between 2000 and 2100."))
        return month


class PeriodForm(BootstrapMixin, forms.Form):
    """A period of days (both included); at most five years."""

    start = forms.DateField(label=_("From"), widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The period ends before it starts."))
            elif (end - start).days > 5 * 366:
                self.add_error("end", _("Choose a period of at most five years."))
        return data


class ControlSheetForm(BootstrapMixin, forms.Form):
    """Filters of 三表一卡: the month (sheet 1), the day (sheet 2), and for sheets 3 and 4
    the consultant (managers), the grade and overdue leads only."""

    month = MonthField(label=_("Month"), required=False)
    day = forms.DateField(label=_("Day"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    consultant = forms.TypedChoiceField(label=_("Consultant"), required=False, coerce=int,
                                        empty_value=None)
    grade = forms.ChoiceField(label=_("Grade"), required=False,
                              choices=[("", _("All grades")), *LeadGrade.choices])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, consultants, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultants = {c.pk: c for c in consultants}
        self.fields["consultant"].choices = [("", _("All consultants")), *(
            (c.pk, person_name(c)) for c in consultants)]
        self._style()

    def clean_consultant(self):
        """The chosen consultant (a user of the store), or None for all."""
        pk = self.cleaned_data.get("consultant")
        return self.consultants.get(pk) if pk is not None else None


# --- CS-10 test drives ---------------------------------------------------------------


class TestDriveBookForm(BootstrapMixin, forms.Form):
    vehicle = forms.ModelChoiceField(label=_("Demo vehicle"), queryset=None)
    mobile = forms.CharField(label=_("Customer mobile"), max_length=20,
                             help_text=_("The full mobile number or its last 4 digits."))
    start = forms.DateTimeField(label=_("Start"), input_formats=[DATETIME_LOCAL],
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                           format=DATETIME_LOCAL))
    end = forms.DateTimeField(label=_("End"), input_formats=[DATETIME_LOCAL],
                              widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                         format=DATETIME_LOCAL))
    licence_number = forms.CharField(label=_("Driving licence number"), max_length=20)
    licence_checked = forms.BooleanField(
        label=_("I have checked the driving licence"), required=True,
        error_messages={"required": _("Check the driving licence first.")})
    route = forms.CharField(label=_("Route"), max_length=100, required=False)

    def __init__(self, *args, store, vehicles, **kwargs):
        super().__init__(*args, **kwargs)
        self.store = store
        self.fields["vehicle"].queryset = vehicles
        self.customer: Customer | None = None
        self._style()

    def clean_mobile(self) -> str:
        raw = normalize_mobile(self.cleaned_data["mobile"])
        customers = Customer.objects.for_store(self.store).filter(merged_into__isnull=True)
        if len(raw) == 11 and raw.isdigit():
            found = list(customers.filter(mobile=raw)[:2])
        elif len(raw) == 4 and raw.isdigit():
            found = list(customers.filter(mobile_last4=raw)[:2])
        else:
            raise ValidationError(_("Enter the 11-digit mobile number or its last 4 digits."))
        if not found:
            raise ValidationError(_("No customer of this store has this mobile number."))
        if len(found) > 1:
            raise ValidationError(_("Several customers match; enter the full mobile number."))
        self.customer = found[0]
        return raw

    def clean_licence_number(self) -> str:
        return self.cleaned_data["licence_number"].strip().upper()

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The drive must end after it starts."))
        elif start and end and end - start > dt.timedelta(hours=8):
            self.add_error("end", _("A test drive lasts at most 8 hours."))
        return data


def default_slot() -> dict:
    """The next half hour, for 30 minutes."""
    now = clock.localnow().replace(second=0, microsecond=0)
    start = now + dt.timedelta(minutes=30 - now.minute % 30)
    return {"start": start.replace(tzinfo=None), "end": (start + dt.timedelta(minutes=30))
            .replace(tzinfo=None)}


class TestDriveFinishForm(BootstrapMixin, forms.Form):
    drive = forms.IntegerField(widget=forms.HiddenInput)
    feedback = forms.CharField(label=_("Feedback"), max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))
    end = forms.DateTimeField(label=_("Returned at"), required=False,
                              input_formats=[DATETIME_LOCAL],
                              widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                         format=DATETIME_LOCAL))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean_feedback(self) -> str:
        feedback = self.cleaned_data["feedback"].strip()
        if not feedback:
            raise ValidationError(_("Write down what the customer said."))
        return feedback


# --- CS-11 targets -------------------------------------------------------------------


class TargetForm(BootstrapMixin, forms.Form):
    """One row of the target grid (the store or a consultant)."""

    visits = forms.IntegerField(min_value=0, max_value=100000, required=False)
    new_leads = forms.IntegerField(min_value=0, max_value=100000, required=False)
    test_drives = forms.IntegerField(min_value=0, max_value=100000, required=False)
    orders = forms.IntegerField(min_value=0, max_value=100000, required=False)
    deliveries = forms.IntegerField(min_value=0, max_value=100000, required=False)
    accessory_revenue = forms.DecimalField(min_value=0, max_digits=14, decimal_places=2,
                                           required=False)
    insurance_penetration = forms.DecimalField(min_value=0, max_value=100, max_digits=4,
                                               decimal_places=1, required=False)
    finance_penetration = forms.DecimalField(min_value=0, max_value=100, max_digits=4,
                                             decimal_places=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label, _kind in TARGET_METRICS:
            self.fields[key].label = label
            self.fields[key].widget.attrs.update({"inputmode": "decimal", "min": "0"})
        self._style()
        for field in self.fields.values():
            field.widget.attrs["class"] += " form-control-sm text-end"

    def values(self) -> dict:
        return {key: self.cleaned_data.get(key) or (Decimal(0) if key.endswith(
            ("revenue", "penetration")) else 0) for key, _l, _k in TARGET_METRICS}
