"""Forms of the parts pages: they parse input; the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Location, LocationKind, Part, Supplier
from .models.catalog import ISSUABLE_KINDS


class PartNumberField(forms.CharField):
    """A part of the store's group, entered by its number."""

    def __init__(self, *args, group_id=None, **kwargs):
        kwargs.setdefault("label", _("Part number"))
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)
        self.group_id = group_id

    def clean(self, value):
        number = super().clean(value).strip().replace(" ", "").upper()
        part = Part.objects.filter(group_id=self.group_id, number=number).first()
        if part is None:
            raise forms.ValidationError(_("There is no part %(number)s.") % {"number": number})
        return part


def _quantity(label, required=True, minimum="0.001"):
    return forms.DecimalField(label=label, max_digits=14, decimal_places=3, required=required,
                              min_value=Decimal(minimum),
                              widget=forms.NumberInput(attrs={"step": "any",
                                                              "class": "form-control"}))


class StockRequestForm(forms.Form):
    part = PartNumberField()
    quantity = _quantity(_("Quantity"))
    document_id = forms.CharField(label=_("Repair order"), max_length=40)
    document_line_id = forms.CharField(label=_("Line"), max_length=40, required=False)

    def __init__(self, *args, store=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].group_id = store.group_id
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class PurchaseOrderForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=())
    document_id = forms.CharField(label=_("Repair order (urgent orders)"), max_length=40,
                                  required=False)
    lines = forms.CharField(
        label=_("Lines"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One line each: part number, quantity and, optionally, unit price."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, store=None, **kwargs):
        from .models.documents import POKind

        super().__init__(*args, **kwargs)
        self.store = store
        self.fields["supplier"].queryset = Supplier.objects.filter(group_id=store.group_id,
                                                                   is_active=True)
        self.fields["kind"].choices = POKind.choices
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(
                field, forms.ChoiceField) else "form-control")

    def clean_lines(self):
        rows = []
        numbers = {}
        for n, raw in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            bits = raw.replace(",", " ").replace("，", " ").split()
            if not bits:
                continue
            if len(bits) not in (2, 3):
                raise forms.ValidationError(_("Line %(n)s: enter number, quantity [, price].")
                                            % {"n": n})
            try:
                qty = Decimal(bits[1])
                price = Decimal(bits[2]) if len(bits) == 3 else None
            except ArithmeticError:
                raise forms.ValidationError(_("Line %(n)s: quantity and price are numbers.")
                                            % {"n": n}) from None
            numbers[bits[0].upper()] = n
            rows.append({"number": bits[0].upper(), "quantity": qty, "price": price})
        parts = {p.number: p for p in Part.objects.filter(group_id=self.store.group_id,
                                                          number__in=list(numbers))}
        missing = [number for number in numbers if number not in parts]
        if missing:
            raise forms.ValidationError(_("Unknown part numbers: %(numbers)s")
                                        % {"numbers": ", ".join(missing)})
        if not rows:
            raise forms.ValidationError(_("Add at least one line."))
        return [{"part": parts[r["number"]], "quantity": r["quantity"], "price": r["price"]}
                for r in rows]


class StocktakeForm(forms.Form):
    zone = forms.ChoiceField(label=_("Zone"), required=False)
    abc_class = forms.ChoiceField(label=_("Cycle count of class"), required=False,
                                  choices=[("", "—"), ("A", "A"), ("B", "B"), ("C", "C")])
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, store=None, **kwargs):
        super().__init__(*args, **kwargs)
        zones = (Location.objects.filter(store=store, kind__in=ISSUABLE_KINDS)
                 .values_list("zone", flat=True).distinct().order_by("zone"))
        self.fields["zone"].choices = [("", _("All zones")), *[(z, z) for z in zones]]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(
                field, forms.ChoiceField) else "form-control")


class TransferForm(forms.Form):
    from_store = forms.ModelChoiceField(label=_("From store"), queryset=None)
    part = PartNumberField()
    quantity = _quantity(_("Quantity"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, store=None, **kwargs):
        from siwei.core.models import Store

        super().__init__(*args, **kwargs)
        self.fields["from_store"].queryset = Store.objects.filter(
            group_id=store.group_id, is_active=True).exclude(pk=store.pk)
        self.fields["part"].group_id = store.group_id
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(
                field, forms.ChoiceField) else "form-control")


def receiving_locations(store):
    return Location.objects.filter(store=store, is_active=True, kind__in=[
        LocationKind.NORMAL, LocationKind.RESERVE, LocationKind.INSPECTION]).order_by(
        "zone", "shelf", "level")
