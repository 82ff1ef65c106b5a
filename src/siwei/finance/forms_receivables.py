"""Forms of the receivable pages (FN-4)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from siwei.core import clock
from siwei.core.forms import BootstrapMixin
from siwei.crm.models import Customer, CustomerKind

DATE = forms.DateInput(attrs={"type": "date"})


class ReceiptForm(BootstrapMixin, forms.Form):
    amount = forms.DecimalField(label=_("Amount received"), max_digits=14, decimal_places=2,
                                min_value=Decimal("0.01"))
    received_on = forms.DateField(label=_("Received on"), widget=DATE, required=False)
    reference = forms.CharField(label=_("Reference"), max_length=60, required=False,
                                help_text=_("Bank slip or transfer number."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = clock.today()
        self._style()


class ItemReceiptForm(ReceiptForm):
    matched = forms.DecimalField(label=_("Matched to this item"), max_digits=14,
                                 decimal_places=2, min_value=Decimal("0.01"), required=False,
                                 help_text=_("Empty: the whole amount."))


class CreditAccountForm(BootstrapMixin, forms.Form):
    customer = forms.ModelChoiceField(label=_("Company customer"), queryset=Customer.objects.none())
    credit_limit = forms.DecimalField(label=_("Credit limit"), max_digits=14, decimal_places=2,
                                      min_value=Decimal(0))
    terms_days = forms.IntegerField(label=_("Payment terms (days)"), min_value=0,
                                    max_value=365, initial=30)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, store=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.for_store(store).filter(
            kind=CustomerKind.COMPANY, merged_into__isnull=True).order_by("name")
        self._style()


class ChargeForm(BootstrapMixin, forms.Form):
    repair_order = forms.CharField(label=_("Repair order number"), max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
