from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from siwei.crm.models import VehicleModel, VehicleTrim
from siwei.finance.models import PaymentMethod

from .models import CertificateStatus, StockStatus
from .services.delivery import CHECKLIST

DATE = forms.DateInput(attrs={"type": "date"})
MONEY = {"max_digits": 14, "decimal_places": 2}


class StockVehicleForm(forms.Form):
    vin = forms.CharField(label=_("VIN"), max_length=20)
    model = forms.ModelChoiceField(label=_("Model"), queryset=VehicleModel.objects.none())
    trim = forms.ModelChoiceField(label=_("Trim"), queryset=VehicleTrim.objects.none(),
                                  required=False)
    colour = forms.CharField(label=_("Colour"), max_length=30)
    cost = forms.DecimalField(label=_("Purchase cost"), min_value=0, **MONEY)
    msrp = forms.DecimalField(label=_("MSRP"), min_value=0, **MONEY)
    arrival_date = forms.DateField(label=_("Arrival date"), required=False, widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=[
        (s, label) for s, label in StockStatus.choices
        if s in (StockStatus.IN_STOCK, StockStatus.IN_TRANSIT, StockStatus.ORDERED)])
    is_demo = forms.BooleanField(label=_("Demo vehicle"), required=False)
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=30,
                                         required=False)
    floor_plan_bank = forms.CharField(label=_("Floor-plan bank"), max_length=50,
                                      required=False)
    pledge_date = forms.DateField(label=_("Pledge date"), required=False, widget=DATE)
    location = forms.CharField(label=_("Location"), max_length=50, required=False)

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        if group is not None:
            self.fields["model"].queryset = VehicleModel.objects.filter(group=group)
            self.fields["trim"].queryset = VehicleTrim.objects.filter(model__group=group)


class CertificateMoveForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Move to"), choices=[
        (s, label) for s, label in CertificateStatus.choices
        if s != CertificateStatus.RELEASED])
    to_whom = forms.CharField(label=_("To whom"), max_length=100, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    due_back = forms.DateField(label=_("Due back"), required=False, widget=DATE)


class OrderForm(forms.Form):
    model = forms.ModelChoiceField(label=_("Model"), queryset=VehicleModel.objects.none())
    trim = forms.ModelChoiceField(label=_("Trim"), queryset=VehicleTrim.objects.none(),
                                  required=False)
    colour = forms.CharField(label=_("Colour"), max_length=30, required=False)
    vehicle_price = forms.DecimalField(label=_("Vehicle price"), min_value=0, **MONEY)
    registration_fee = forms.DecimalField(label=_("Registration service fee"), min_value=0,
                                          initial=0, **MONEY)
    insurance_company = forms.CharField(label=_("Insurance company"), max_length=50,
                                        required=False)
    insurance_premium = forms.DecimalField(label=_("Insurance premium"), min_value=0, initial=0,
                                           **MONEY)
    insurance_commission = forms.DecimalField(label=_("Insurance commission"), min_value=0,
                                              initial=0, **MONEY)
    finance_bank = forms.CharField(label=_("Financing bank"), max_length=50, required=False)
    loan_amount = forms.DecimalField(label=_("Loan amount"), min_value=0, initial=0, **MONEY)
    loan_term_months = forms.IntegerField(label=_("Loan term (months)"), min_value=0, initial=0)
    finance_fee = forms.DecimalField(label=_("Financing fee"), min_value=0, initial=0, **MONEY)
    finance_commission = forms.DecimalField(label=_("Financing commission"), min_value=0,
                                            initial=0, **MONEY)
    trade_in_vin = forms.CharField(label=_("Trade-in VIN"), max_length=17, required=False)
    trade_in_valuation = forms.DecimalField(label=_("Trade-in valuation"), min_value=0,
                                            initial=0, **MONEY)

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        if group is not None:
            self.fields["model"].queryset = VehicleModel.objects.filter(group=group)
            self.fields["trim"].queryset = VehicleTrim.objects.filter(model__group=group)


class OrderLineForm(forms.Form):
    part = forms.ModelChoiceField(label=_("Accessory from the catalogue"), required=False,
                                  queryset=None)
    description = forms.CharField(label=_("or describe it"), max_length=100, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0, initial=1, max_digits=10,
                                  decimal_places=3)
    unit_price = forms.DecimalField(label=_("Unit price"), min_value=0, required=False,
                                    help_text=_("Empty: the list price."), **MONEY)
    unit_cost = forms.DecimalField(label=_("Unit cost"), min_value=0, required=False,
                                   help_text=_("Empty: the store's average cost."), **MONEY)
    is_gift = forms.BooleanField(label=_("Gift"), required=False)
    install = forms.ChoiceField(label=_("Installation"), initial="none", choices=[
        ("none", _("No installation")), ("pre", _("Before delivery")),
        ("post", _("After delivery"))])


    def __init__(self, *args, group=None, **kwargs):
        from siwei.parts.models import Part

        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = Part.objects.filter(group=group, is_accessory=True) \
            if group is not None else Part.objects.none()

    def clean(self):
        data = super().clean()
        if not data.get("part") and data.get("description") and (
                data.get("unit_price") is None or data.get("unit_cost") is None):
            raise forms.ValidationError(_("Give the price and cost of an item not in the "
                                          "catalogue."))
        return data


OrderLineFormSet = forms.formset_factory(OrderLineForm, extra=2, can_delete=True)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), **MONEY,
                                help_text=_("A negative amount is a refund."))
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    reference = forms.CharField(label=_("Transaction number"), max_length=60, required=False)


class DeliveryForm(forms.Form):
    keys_count = forms.IntegerField(label=_("Keys handed over"), min_value=1, initial=2)
    photo = forms.FileField(label=_("Photo of the handover"), required=False,
                            help_text=_("JPEG, PNG or WebP, at most 5 MB."))
    mileage = forms.IntegerField(label=_("Odometer (km)"), min_value=0, initial=0)
    signature = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in CHECKLIST:
            self.fields[f"check_{key}"] = forms.BooleanField(label=_(label), required=False)

    def checklist(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data.get(f"check_{key}")) for key, _l in CHECKLIST}


class SalesSettingsForm(forms.Form):
    consultant_discount_limit = forms.DecimalField(label=_("Consultant's discount limit"),
                                                   min_value=0, **MONEY)
    manager_discount_limit = forms.DecimalField(label=_("Sales manager's discount limit"),
                                                min_value=0, **MONEY)
    o_grade_deposit = forms.DecimalField(label=_("Deposit that makes a lead grade O"),
                                         min_value=0, **MONEY)

    def __init__(self, *args, **kwargs):
        from siwei.crm.models import LeadGrade

        super().__init__(*args, **kwargs)
        for grade, label in LeadGrade.choices:
            self.fields[f"interval_{grade}"] = forms.IntegerField(
                label=_("Follow up %(grade)s every (days)") % {"grade": label},
                min_value=1, max_value=90)

    def intervals(self) -> dict[str, int]:
        return {name.removeprefix("interval_"): value for name, value in self.cleaned_data.items()
                if name.startswith("interval_")}
