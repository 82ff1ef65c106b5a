"""Forms of the repair-order pages: reception, lines, signature, approvals, settlement."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from siwei.finance.models import PaymentMethod

from .models import ApprovalChannel, LabourOperation, Payer, ROCategory

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = {"rows": 2}


class StyledForm(forms.Form):
    """Bootstrap 5 classes on every widget (large touch targets on the tablet)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ReceptionForm(StyledForm):
    """SV-7 on one tablet form: the walk-around, the complaints and the promise."""

    category = forms.ChoiceField(label=_("Service category"), choices=ROCategory.choices)
    mileage = forms.IntegerField(label=_("Mileage (km)"), min_value=0,
                                 widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    fuel_level = forms.IntegerField(label=_("Fuel level %"), min_value=0, max_value=100,
                                    required=False,
                                    widget=forms.NumberInput(attrs={"step": 25}))
    complaints = forms.CharField(label=_("Customer complaints (one per line)"),
                                 widget=forms.Textarea(attrs={"rows": 3}), required=False)
    damage_notes = forms.CharField(label=_("Exterior damage"), required=False,
                                   widget=forms.Textarea(attrs=TEXT))
    valuables = forms.CharField(label=_("Valuables left in the car"), max_length=200,
                                required=False)
    items_handed_over = forms.CharField(label=_("Items handed over (keys, spare tyre…)"),
                                        max_length=200, required=False)
    covers_applied = forms.BooleanField(label=_("Protective covers applied"), required=False)
    diagnosis = forms.CharField(label=_("Advisor's diagnosis"), required=False,
                                widget=forms.Textarea(attrs=TEXT))
    customer_waits = forms.BooleanField(label=_("The customer waits in the lounge"),
                                        required=False)
    return_old_parts = forms.BooleanField(label=_("Old parts back to the customer"),
                                          required=False)
    promised_at = forms.DateTimeField(label=_("Promised delivery"), widget=DATETIME,
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])

    def complaint_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("complaints", "").splitlines()
                if line.strip()]

    def reception(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("complaints", None)
        return data


class JobForm(StyledForm):
    operation = forms.ModelChoiceField(label=_("Labour operation"),
                                       queryset=LabourOperation.objects.none(), required=False)
    name = forms.CharField(label=_("or job name"), max_length=120, required=False)
    hours = forms.DecimalField(label=_("Hours"), max_digits=6, decimal_places=2, min_value=0,
                               required=False,
                               help_text=_("Empty: the standard hours for the model."))
    payer = forms.ChoiceField(label=_("Payer"), choices=Payer.choices, initial=Payer.CUSTOMER)
    safety_related = forms.BooleanField(label=_("Safety item"), required=False)
    additional = forms.BooleanField(label=_("Additional work"), required=False)

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        if group is not None:
            self.fields["operation"].queryset = LabourOperation.objects.filter(group=group)


class PartForm(StyledForm):
    part_number = forms.CharField(label=_("Part number"), max_length=40)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=3,
                                  min_value=0, initial=1)
    payer = forms.ChoiceField(label=_("Payer"), choices=Payer.choices, initial=Payer.CUSTOMER)
    safety_related = forms.BooleanField(label=_("Safety item"), required=False)
    additional = forms.BooleanField(label=_("Additional work"), required=False)


class SignForm(StyledForm):
    signed_by_name = forms.CharField(label=_("Signed by"), max_length=50)
    signature = forms.CharField(widget=forms.HiddenInput, required=False)
    phone_consent = forms.BooleanField(
        label=_("The customer agreed by phone (no signature on the pad)"), required=False)


class ApproveAdditionalForm(StyledForm):
    approved_by_name = forms.CharField(label=_("Approved by"), max_length=50)
    channel = forms.ChoiceField(label=_("How"), choices=ApprovalChannel.choices)
    promised_at = forms.DateTimeField(label=_("New promised time"), required=False,
                                      widget=DATETIME,
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])


class SettleForm(StyledForm):
    discount_percent = forms.DecimalField(label=_("Discount %"), max_digits=5,
                                          decimal_places=2, min_value=0, max_value=100,
                                          initial=0)


class PaymentForm(StyledForm):
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2)
    reference = forms.CharField(label=_("Reference"), max_length=60, required=False)


class CancelForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)
