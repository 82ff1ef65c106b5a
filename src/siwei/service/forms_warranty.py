"""Forms of the warranty clerk's and service manager's pages (SV-17 … SV-20)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from siwei.core.forms import BootstrapMixin
from siwei.crm.models import VehicleModel
from siwei.parts.models import Part

from .models import Equipment, EquipmentKind, EquipmentLogKind, KnowledgeEntry, ToolLoan

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"})


def store_staff(store):
    """Active employees working in ``store`` (or for the whole group)."""
    from django.db.models import Q

    return (get_user_model().objects.filter(is_active=True, employee__is_active=True)
            .filter(Q(employee__assignments__store=store)
                    | Q(employee__assignments__store__isnull=True,
                        employee__group_id=store.group_id))
            .distinct().order_by("employee__name"))


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        employee = getattr(obj, "employee", None)
        return employee.name if employee else obj.username


class ClaimForm(BootstrapMixin, forms.Form):
    complaint = forms.CharField(label=_("Complaint"), widget=forms.Textarea(attrs={"rows": 2}),
                                required=False)
    cause = forms.CharField(label=_("Cause"), widget=forms.Textarea(attrs={"rows": 2}),
                            required=False)
    correction = forms.CharField(label=_("Correction"),
                                 widget=forms.Textarea(attrs={"rows": 2}), required=False)
    causal_part = forms.ModelChoiceField(label=_("Causal part"), queryset=Part.objects.none(),
                                         required=False)
    failure_code = forms.CharField(label=_("Failure code"), max_length=30, required=False)

    def __init__(self, *args, claim=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        parts = Part.objects.none()
        if claim is not None:
            ids = [line.part_id for line in claim.lines.all() if line.part_id]
            if claim.causal_part_id:
                ids.append(claim.causal_part_id)
            parts = Part.objects.filter(pk__in=ids)
        self.fields["causal_part"].queryset = parts
        self._style()


class ApproveForm(BootstrapMixin, forms.Form):
    amount = forms.DecimalField(label=_("Approved amount"), max_digits=14, decimal_places=2,
                                min_value=Decimal("0.01"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class RejectForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("OEM's reason"), max_length=300)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class KnowledgeForm(BootstrapMixin, forms.ModelForm):
    vehicle_models = forms.ModelMultipleChoiceField(
        label=_("Models"), queryset=VehicleModel.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty when the case applies to every model."))

    class Meta:
        model = KnowledgeEntry
        fields = ["title", "symptom", "diagnosis", "cause", "fix", "parts"]
        widgets = {f: forms.Textarea(attrs={"rows": 3})
                   for f in ("symptom", "diagnosis", "cause", "fix")}

    def __init__(self, *args, group=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vehicle_models"].queryset = VehicleModel.objects.filter(group=group)
        if self.instance.pk:
            self.fields["vehicle_models"].initial = list(self.instance.vehicle_models.all())
        self._style()


class EquipmentForm(BootstrapMixin, forms.ModelForm):
    responsible = StaffChoiceField(label=_("Responsible person"),
                                   queryset=get_user_model().objects.none(), required=False)

    class Meta:
        model = Equipment
        fields = ["asset_number", "name", "kind", "specification", "location", "responsible",
                  "purchase_date", "calibration_cycle_days", "out_of_service", "notes"]
        widgets = {"purchase_date": DATE}

    def __init__(self, *args, store=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = store_staff(store)
        self._style()

    def _post_clean(self) -> None:
        # The service validates (unique asset number per store, calibration cycle).
        pass


class EquipmentLogForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EquipmentLogKind.choices)
    day = forms.DateField(label=_("Day"), widget=DATE)
    in_order = forms.BooleanField(label=_("In order"), required=False, initial=True)
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class CalibrationForm(BootstrapMixin, forms.Form):
    day = forms.DateField(label=_("Calibrated on"), widget=DATE)
    passed = forms.BooleanField(label=_("Passed"), required=False, initial=True)
    agency = forms.CharField(label=_("Calibrated by"), max_length=100, required=False)
    certificate = forms.CharField(label=_("Certificate number"), max_length=60,
                                  required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class LendForm(BootstrapMixin, forms.Form):
    tool = forms.ModelChoiceField(label=_("Tool"), queryset=Equipment.objects.none())
    borrower = StaffChoiceField(label=_("Borrower"), queryset=get_user_model().objects.none())
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(self, *args, store=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tool"].queryset = Equipment.objects.for_store(store).filter(
            kind=EquipmentKind.SPECIAL_TOOL, out_of_service=False).exclude(
            pk__in=ToolLoan.objects.filter(returned_at__isnull=True).values("tool_id"))
        self.fields["borrower"].queryset = store_staff(store)
        self._style()
