"""Forms of the complaint desk (CR-6, CR-7, CR-9). They read and check input only; the
services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from siwei.core.forms import BootstrapMixin
from siwei.crm.models import Customer, Vehicle
from siwei.service.forms_warranty import StaffChoiceField, store_staff

from .models import (
    ActionKind,
    Department,
    FeedbackCategory,
    FeedbackChannel,
    FeedbackKind,
    Severity,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _blank(choices) -> list[tuple[str, str]]:
    return [("", "---------"), *choices]


class RelatedRecordsMixin:
    """Vehicle by plate, sales order and repair order by number, in the form's store."""

    store = None

    def _lookup(self, field: str, model, lookup: str, message):
        value = (self.cleaned_data.get(field) or "").strip()
        if not value:
            return None
        found = model.objects.for_store(self.store).filter(**{lookup: value}).first()
        if found is None:
            self.add_error(field, message)
        return found

    def related(self) -> dict:
        from siwei.sales.models import SalesOrder
        from siwei.service.models import RepairOrder

        return {
            "sales_order": self._lookup("sales_order_number", SalesOrder, "number__iexact",
                                        _("No sales order with this number in this store.")),
            "repair_order": self._lookup("repair_order_number", RepairOrder, "number__iexact",
                                         _("No repair order with this number in this store.")),
        }


class FeedbackForm(RelatedRecordsMixin, BootstrapMixin, forms.Form):
    """New feedback (CR-6). Type and category come preselected with the classifier's
    suggestion; what is posted is the staff's final choice."""

    channel = forms.ChoiceField(label=pgettext_lazy("feedback", "Channel"),
                                choices=FeedbackChannel.choices)
    customer_query = forms.CharField(
        label=_("Customer (ID or mobile)"), max_length=20, required=False,
        help_text=_("Leave empty for an unknown customer and give a name and contact."))
    contact_name = forms.CharField(label=_("Contact name"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=120)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 5}))
    received_at = forms.DateTimeField(label=pgettext_lazy("feedback", "Received"),
                                      required=False, widget=DATETIME,
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                      help_text=_("Empty: now."))
    kind = forms.ChoiceField(label=_("Type"), choices=_blank(FeedbackKind.choices))
    category = forms.ChoiceField(label=_("Category"), choices=_blank(FeedbackCategory.choices))
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices,
                                 initial=Severity.MEDIUM)
    plate = forms.CharField(label=_("Vehicle plate"), max_length=10, required=False)
    sales_order_number = forms.CharField(label=_("Sales order"), max_length=40, required=False)
    repair_order_number = forms.CharField(label=_("Repair order"), max_length=40,
                                          required=False)
    staff = StaffChoiceField(label=_("Staff concerned"), queryset=None, required=False)
    owner = StaffChoiceField(label=pgettext_lazy("feedback", "Owner"), queryset=None,
                             required=False)

    def __init__(self, *args, store, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.store = store
        self.fields["staff"].queryset = store_staff(store).select_related("employee")
        self.fields["owner"].queryset = store_staff(store).select_related("employee")
        self._style()

    def clean(self):
        data = super().clean()
        query = (data.get("customer_query") or "").strip()
        data["customer"] = None
        if query:
            customers = Customer.objects.for_store(self.store).filter(merged_into__isnull=True)
            if len(query) == 11 and query.isdigit():
                found = customers.filter(mobile=query).first()
            elif query.isdigit():
                found = customers.filter(pk=int(query)).first()
            else:
                found = None
            if found is None:
                self.add_error("customer_query", _("No customer with this ID or mobile."))
            data["customer"] = found
        elif not (data.get("contact_name", "").strip() and data.get("contact_phone", "").strip()):
            self.add_error("customer_query",
                           _("Give the customer, or a contact name and phone."))
        plate = (data.get("plate") or "").strip().upper()
        data["vehicle"] = None
        if plate:
            data["vehicle"] = Vehicle.objects.for_store(self.store).filter(plate=plate).first()
            if data["vehicle"] is None:
                self.add_error("plate", _("No vehicle with this plate in this store."))
        data.update(self.related())
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        fields = {key: data[key] for key in ("customer", "vehicle", "sales_order",
                                             "repair_order", "staff", "owner") if data.get(key)}
        if data.get("received_at"):
            fields["received_at"] = data["received_at"]
        return {"channel": data["channel"], "subject": data["subject"],
                "content": data["content"], "kind": data["kind"], "category": data["category"],
                "severity": data["severity"], "contact_name": data["contact_name"].strip(),
                "contact_phone": data["contact_phone"].strip(), **fields}


class FeedbackUpdateForm(RelatedRecordsMixin, BootstrapMixin, forms.Form):
    """Staff's corrections on the detail page."""

    owner = StaffChoiceField(label=pgettext_lazy("feedback", "Owner"), queryset=None,
                             required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=FeedbackKind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=FeedbackCategory.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    department = forms.ChoiceField(label=_("Department"), choices=_blank(Department.choices),
                                   required=False,
                                   help_text=_("Empty: derived from the category."))
    staff = StaffChoiceField(label=_("Staff concerned"), queryset=None, required=False)
    sales_order_number = forms.CharField(label=_("Sales order"), max_length=40, required=False)
    repair_order_number = forms.CharField(label=_("Repair order"), max_length=40,
                                          required=False)
    root_cause = forms.CharField(label=_("Root cause"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, store, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.store = store
        for name in ("owner", "staff"):
            self.fields[name].queryset = store_staff(store).select_related("employee")
        self._style()

    @classmethod
    def initial_for(cls, feedback) -> dict:
        return {"owner": feedback.owner_id, "kind": feedback.kind,
                "category": feedback.category, "severity": feedback.severity,
                "department": feedback.department, "staff": feedback.staff_id,
                "sales_order_number": feedback.sales_order.number
                if feedback.sales_order_id else "",
                "repair_order_number": feedback.repair_order.number
                if feedback.repair_order_id else "",
                "root_cause": feedback.root_cause}

    def clean(self):
        data = super().clean()
        data.update(self.related())
        return data

    def service_kwargs(self, feedback) -> dict:
        data = dict(self.cleaned_data)
        data.pop("sales_order_number", None)
        data.pop("repair_order_number", None)
        if data.get("category") == feedback.category and not data.get("department"):
            data["department"] = feedback.department
        return data


class ResolveForm(BootstrapMixin, forms.Form):
    solution = forms.CharField(label=_("Solution"), widget=forms.Textarea(attrs={"rows": 3}))
    compensation = forms.DecimalField(label=_("Compensation (yuan)"), max_digits=12,
                                      decimal_places=2, min_value=0, required=False,
                                      initial=0)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class ActionForm(BootstrapMixin, forms.Form):
    """A corrective or preventive action (CR-9)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ActionKind.choices)
    description = forms.CharField(label=_("Action"), max_length=300)
    owner = StaffChoiceField(label=pgettext_lazy("feedback", "Owner"), queryset=None)
    due_date = forms.DateField(label=_("Due date"), widget=DATE)

    def __init__(self, *args, store, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = store_staff(store).select_related("employee")
        self._style()

