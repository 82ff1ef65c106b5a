"""Forms of the invoice pages (FN-3)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from siwei.core.forms import BootstrapMixin

from .models import InvoiceKind


class InvoiceForm(BootstrapMixin, forms.Form):
    number = forms.CharField(label=_("Invoice number"), max_length=40,
                             help_text=_("As printed on the tax invoice."))
    kind = forms.ChoiceField(label=_("Kind"), choices=InvoiceKind.choices)
    buyer_name = forms.CharField(label=_("Buyer"), max_length=100)
    buyer_tax_id = forms.CharField(label=_("Buyer tax ID"), max_length=30, required=False,
                                   help_text=_("Unified social credit code; needed for a "
                                               "special VAT invoice."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class InvoiceLineForm(BootstrapMixin, forms.Form):
    description = forms.CharField(label=_("Description"), max_length=100, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=3,
                                  required=False, min_value=Decimal("0.001"))
    unit_price = forms.DecimalField(label=_("Unit price incl. tax"), max_digits=14,
                                    decimal_places=2, required=False)
    tax_rate = forms.DecimalField(label=_("VAT rate %"), max_digits=5, decimal_places=2,
                                  required=False, min_value=Decimal(0),
                                  max_value=Decimal(17))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def line(self) -> dict | None:
        """The line as the service takes it, or None for an empty row."""
        data = self.cleaned_data
        if not data.get("description") and data.get("unit_price") is None:
            return None
        rate = data.get("tax_rate")
        return {"description": data.get("description") or "",
                "quantity": data.get("quantity") or Decimal(1),
                "unit_price": data.get("unit_price") or Decimal(0),
                "tax_rate": None if rate is None else rate / 100}


InvoiceLineFormSet = forms.formset_factory(InvoiceLineForm, extra=0, max_num=30)


class VoidForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
