"""Forms of segments and campaigns (CR-10, CR-11). ``SegmentFilterForm`` is also the
validator of the ``filters`` JSON the API receives (``clean_filters``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from siwei.core.forms import BootstrapMixin
from siwei.crm.models import CustomerCategory, Gender, VehicleModel

from .models import MessageChannel

DATE = {"type": "date"}


def _years(label) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=120)


def _date(label) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs=DATE))


# Lower and upper bounds that must not cross.
RANGES = [("vehicle_age_min", "vehicle_age_max"), ("last_visit_after", "last_visit_before"),
          ("maintenance_due_from", "maintenance_due_to"),
          ("insurance_expiry_from", "insurance_expiry_to"), ("age_min", "age_max")]


class SegmentFilterForm(BootstrapMixin, forms.Form):
    """The filters of a segment over the store's customers and their vehicles."""

    category = forms.MultipleChoiceField(label=_("Customer category"), required=False,
                                         choices=CustomerCategory.choices,
                                         widget=forms.CheckboxSelectMultiple)
    model = forms.TypedMultipleChoiceField(label=_("Vehicle model"), required=False, coerce=int,
                                           widget=forms.SelectMultiple(attrs={"size": 5}))
    vehicle_age_min = _years(_("Vehicle age from (years)"))
    vehicle_age_max = _years(_("Vehicle age to (years)"))
    last_visit_after = _date(_("Last visit after"))
    last_visit_before = _date(_("Last visit before"))
    maintenance_due_from = _date(_("Next maintenance due from"))
    maintenance_due_to = _date(_("Next maintenance due to"))
    insurance_expiry_from = _date(_("Insurance expires from"))
    insurance_expiry_to = _date(_("Insurance expires to"))
    district = forms.CharField(label=_("District"), required=False, max_length=50)
    gender = forms.ChoiceField(label=_("Gender"), required=False,
                               choices=[("", "—"), *Gender.choices])
    age_min = _years(_("Age from"))
    age_max = _years(_("Age to"))
    occupation = forms.CharField(label=_("Occupation contains"), required=False, max_length=50)
    tags = forms.CharField(label=_("Tags contain"), required=False, max_length=50)
    spending_min = forms.DecimalField(label=_("Spent in the last 12 months at least (yuan)"),
                                      required=False, min_value=Decimal("0"), max_digits=14,
                                      decimal_places=2)

    def __init__(self, *args, store=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        models = VehicleModel.objects.filter(group_id=store.group_id) if store else []
        self.fields["model"].choices = [(m.pk, str(m)) for m in models]
        self._style()

    def clean(self):
        data = super().clean()
        for low, high in RANGES:
            if data.get(low) is not None and data.get(high) is not None \
                    and data[low] > data[high]:
                self.add_error(high, _g("Must not be before the lower bound."))
        return data

    def filters(self) -> dict[str, Any]:
        """The cleaned values as JSON (codes, numbers, ISO dates), empty ones left out."""
        result: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if value in (None, "", []):
                continue
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = str(value)
            result[name] = value
        return result


def clean_filters(*, store, filters) -> dict[str, Any]:
    """Validate a ``filters`` dict (API or saved segment); 400 naming ``filters``."""
    if not isinstance(filters, dict):
        raise ValidationError({"filters": [_g("Filters must be an object.")]})
    unknown = sorted(set(filters) - set(SegmentFilterForm.base_fields))
    if unknown:
        raise ValidationError({"filters": [_g("Unknown filter: %(names)s.")
                                           % {"names": ", ".join(unknown)}]})
    form = SegmentFilterForm({k: v for k, v in filters.items() if v is not None}, store=store)
    if not form.is_valid():
        raise ValidationError({"filters": [f"{name}: {' '.join(errors)}"
                                           for name, errors in form.errors.items()]})
    return form.filters()


class SegmentForm(SegmentFilterForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    field_order = ["name"]

    def filters(self) -> dict[str, Any]:
        result = super().filters()
        result.pop("name", None)
        return result


class CampaignForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    segment = forms.ModelChoiceField(label=_("Segment"), queryset=None)
    channel = forms.ChoiceField(label=_("Channel"), choices=MessageChannel.choices)
    template = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Placeholders: {name}, {plate}, {model}, {due_date}, {store_phone}."))
    send_at = forms.DateTimeField(label=_("Send at"),
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args, store=None, **kwargs) -> None:
        from .models import Segment

        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = Segment.objects.for_store(store) if store else \
            Segment.objects.none()
        self._style()
