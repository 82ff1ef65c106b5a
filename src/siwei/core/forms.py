from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from .models import Role
from .validators import mobile_validator, normalize_mobile


class EmployeeCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"), max_length=150, regex=r"^[\w.@+-]+$",
        help_text=_("Letters, digits and @ . + - _ only."),
    )
    name = forms.CharField(label=_("Name"), max_length=50)
    mobile = forms.CharField(label=_("Mobile"), max_length=20, required=False)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)
    roles = forms.ModelMultipleChoiceField(
        label=_("Roles in this store"),
        queryset=Role.objects.filter(scope=Role.Scope.STORE),
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_mobile(self) -> str:
        value = self.cleaned_data["mobile"]
        if not value:
            return ""
        mobile_validator(value)
        return normalize_mobile(value)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class StoreSwitchForm(forms.Form):
    store = forms.IntegerField()
    next = forms.CharField(required=False)


class BootstrapMixin:
    """Bootstrap 5 classes on every widget (large enough for a tablet); forms call
    ``self._style()`` at the end of ``__init__``."""

    def _style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect
                          | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            classes = widget.attrs.get("class", "").split()
            if css not in classes:
                widget.attrs["class"] = " ".join([*classes, css])
