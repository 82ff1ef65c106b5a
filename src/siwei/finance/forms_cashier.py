"""Forms of the cashier desk: payment, refund request, daily close."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PaymentMethod

MONEY = {"max_digits": 14, "decimal_places": 2}


class StyledForm(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class OnceForm(StyledForm):
    """A form posted once: a one-time token, rendered when the form is shown, makes a
    double click or a reload record a single payment."""

    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("token", uuid.uuid4())
        super().__init__(*args, **kwargs)


class CashierPaymentForm(OnceForm):
    amount = forms.DecimalField(label=_("Amount"), min_value=Decimal("0.01"), **MONEY,
                                help_text=_("Money paid back goes through a refund request."))
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    reference = forms.CharField(label=_("Transaction number"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class RefundRequestForm(OnceForm):
    amount = forms.DecimalField(label=_("Amount to pay back"), min_value=Decimal("0.01"),
                                **MONEY)
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    reference = forms.CharField(label=_("Transaction number"), max_length=60, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}))


class DailyCloseForm(OnceForm):
    counted_cash = forms.DecimalField(label=_("Cash counted in the drawer"),
                                      min_value=Decimal("0"), **MONEY)
    reason = forms.CharField(label=_("Reason for a difference"), max_length=300,
                             required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(StyledForm):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
