from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    ActivityType,
    CustomerKind,
    Gender,
    LeadGrade,
    LeadSource,
    LossReason,
    VehicleModel,
)

DATE = forms.DateInput(attrs={"type": "date"})


class CustomerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CustomerKind.choices,
                             initial=CustomerKind.PERSON)
    name = forms.CharField(label=_("Name"), max_length=100)
    mobile = forms.CharField(label=_("Mobile"), max_length=20, required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Gender.choices],
                               required=False)
    birthday = forms.DateField(label=_("Birthday"), required=False, widget=DATE)
    id_number = forms.CharField(label=_("Resident ID"), max_length=20, required=False)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=20,
                                  required=False)
    district = forms.CharField(label=_("District"), max_length=50, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=50, required=False)
    source = forms.CharField(label=_("Source"), max_length=30, required=False)
    consent_sms = forms.BooleanField(label=_("Agrees to SMS"), required=False)
    consent_phone = forms.BooleanField(label=_("Agrees to phone calls"), required=False)
    consent_wechat = forms.BooleanField(label=_("Agrees to WeChat"), required=False)

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


class VehicleForm(forms.Form):
    vin = forms.CharField(label=_("VIN"), max_length=20)
    plate = forms.CharField(label=_("Plate"), max_length=12, required=False)
    model = forms.ModelChoiceField(label=_("Model"), queryset=VehicleModel.objects.none(),
                                   required=False)
    colour = forms.CharField(label=_("Colour"), max_length=30, required=False)
    sale_date = forms.DateField(label=_("Sale date"), required=False, widget=DATE)
    registration_date = forms.DateField(label=_("Registration date"), required=False,
                                        widget=DATE)
    insurance_company = forms.CharField(label=_("Insurance company"), max_length=50,
                                        required=False)
    insurance_expiry = forms.DateField(label=_("Insurance expiry"), required=False, widget=DATE)

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        if group is not None:
            self.fields["model"].queryset = VehicleModel.objects.filter(group=group)


class LeadForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=LeadSource.choices)
    grade = forms.ChoiceField(label=_("Grade"), choices=LeadGrade.choices, initial="B")
    models = forms.ModelMultipleChoiceField(label=_("Models of interest"),
                                            queryset=VehicleModel.objects.none(),
                                            required=False,
                                            widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("What the customer said"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        if group is not None:
            self.fields["models"].queryset = VehicleModel.objects.filter(group=group)


class ActivityForm(forms.Form):
    type = forms.ChoiceField(label=_("Contact"), choices=ActivityType.choices,
                             initial=ActivityType.CALL)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(label=_("Outcome"), max_length=200, required=False)
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)
    grade = forms.ChoiceField(label=_("New grade"), choices=[("", _("unchanged")),
                                                             *LeadGrade.choices],
                              required=False)


class LoseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=LossReason.choices)
    detail = forms.CharField(label=_("Details (which brand, what happened)"), max_length=200,
                             required=False)
