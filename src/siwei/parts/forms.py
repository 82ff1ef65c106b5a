"""Forms of the parts pages: they parse input; the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
        entered = super().clean(value).strip().upper()
        if not entered and not self.required:
            return None
        compact = entered.replace(" ", "").replace("-", "")
        part = (Part.objects.filter(group_id=self.group_id, number__in={entered, compact})
                .order_by("pk").first())
        if part is None:
            raise forms.ValidationError(_("There is no part %(number)s.") % {"number": entered})
        return part


def styled(form: forms.BaseForm) -> None:
    """Bootstrap classes on the widgets of a form."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


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


class PartForm(forms.ModelForm):
    """PT-1 part master data. The superseding part is entered by its number."""

    superseded_by = PartNumberField(label=pgettext_lazy("parts", "Superseded by"),
                                    required=False,
                                    help_text=_("The part number that replaces this part."))

    class Meta:
        model = Part
        fields = ["number", "name", "brand", "category", "unit", "compatible_models",
                  "cost", "list_price", "warranty_price", "insurance_price",
                  "attribute_class", "order_cycle_days", "lead_time_days", "pack_size",
                  "default_supplier", "superseded_by", "is_key_part", "is_accessory"]
        # Labels with a context: the same English words mean other things elsewhere
        # (a customer's category, an order number …).
        labels = {
            "number": pgettext_lazy("parts", "Part number"),
            "name": pgettext_lazy("parts", "Part name"),
            "brand": pgettext_lazy("parts", "Brand"),
            "category": pgettext_lazy("parts", "Category"),
            "unit": pgettext_lazy("parts", "Unit"),
            "compatible_models": pgettext_lazy("parts", "Compatible models"),
            "cost": pgettext_lazy("parts", "Purchase cost"),
            "list_price": pgettext_lazy("parts", "Retail price"),
            "warranty_price": pgettext_lazy("parts", "Warranty price"),
            "insurance_price": pgettext_lazy("parts", "Insurance price"),
            "attribute_class": pgettext_lazy("parts", "Attribute class"),
            "order_cycle_days": pgettext_lazy("parts", "Order cycle O/C (days)"),
            "lead_time_days": pgettext_lazy("parts", "Lead time L/T (days)"),
            "pack_size": pgettext_lazy("parts", "Pack size"),
            "default_supplier": pgettext_lazy("parts", "Default supplier"),
            "is_key_part": pgettext_lazy("parts", "Key/safety part (batch traced)"),
            "is_accessory": pgettext_lazy("parts", "Accessory (精品)"),
        }
        help_texts = {
            "attribute_class": _("A wear and consumable parts (high use); B common parts "
                                 "(moderate use, affect driving); C expensive assemblies "
                                 "(rarely fail, not stocked at the store)."),
            "order_cycle_days": _("Days between two orders to the supplier."),
            "lead_time_days": _("Days from order to delivery."),
            "pack_size": _("Reorder suggestions are rounded up to whole packs."),
        }

    def __init__(self, *args, store=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["superseded_by"].group_id = store.group_id
        if self.instance.pk and self.instance.superseded_by_id:
            self.initial["superseded_by"] = self.instance.superseded_by.number
        current = self.instance.default_supplier_id
        self.fields["default_supplier"].queryset = Supplier.objects.filter(
            group_id=store.group_id).filter(
            models.Q(is_active=True) | models.Q(pk=current or 0)).order_by("name")
        for name in ("list_price", "warranty_price", "insurance_price", "cost"):
            self.fields[name].min_value = Decimal("0")
            self.fields[name].widget.attrs.update({"min": "0", "step": "0.01"})
        self.fields["pack_size"].widget.attrs.update({"min": "0.001", "step": "any"})
        styled(self)

    def clean_superseded_by(self):
        successor = self.cleaned_data["superseded_by"]
        if successor is not None and successor.pk == self.instance.pk:
            raise forms.ValidationError(_("A part cannot supersede itself."))
        return successor

    def _post_clean(self):
        # The service validates the part; the form only parses the input.
        pass

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class SupplierForm(forms.ModelForm):
    """PT-2 supplier."""

    class Meta:
        model = Supplier
        fields = ["name", "kind", "contact", "phone", "payment_terms", "lead_time_days",
                  "is_active"]
        labels = {
            "name": pgettext_lazy("parts", "Supplier name"),
            "kind": pgettext_lazy("parts", "Supplier type"),
            "contact": pgettext_lazy("parts", "Contact person"),
            "phone": pgettext_lazy("parts", "Phone"),
            "payment_terms": pgettext_lazy("parts", "Payment terms"),
            "lead_time_days": pgettext_lazy("parts", "Lead time (days)"),
            "is_active": pgettext_lazy("parts", "Active (offered for new orders)"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


USER_KINDS = [(k.value, k.label) for k in (LocationKind.NORMAL, LocationKind.INSPECTION,
                                            LocationKind.NONCONFORMING, LocationKind.RESERVE)]


class LocationForm(forms.Form):
    """PT-3 location: zone-shelf-level code and type."""

    code = forms.CharField(label=_("Code"), max_length=20,
                           help_text=_("Zone-shelf-level, for example A-03-2: zone A, shelf 3, "
                                       "level 2."))
    kind = forms.ChoiceField(label=_("Type"), choices=USER_KINDS, initial=LocationKind.NORMAL)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)


class FoundPartForm(forms.Form):
    """PT-12: a part found on a counted location that is not on the count sheet."""

    part = PartNumberField()
    location = forms.ModelChoiceField(label=_("Location"), queryset=Location.objects.none())
    counted_quantity = _quantity(_("Counted quantity"), minimum="0")
    batch = forms.CharField(label=_("Batch number"), max_length=40, required=False,
                            help_text=_("Required for key/safety parts."))

    def __init__(self, *args, stocktake=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].group_id = stocktake.store.group_id
        self.fields["location"].queryset = Location.objects.filter(
            frozen_by=stocktake).order_by("zone", "shelf", "level", "code")
        styled(self)
