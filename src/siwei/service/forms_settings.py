"""Forms of the service settings page: they only draw the fields; the services check
the values (services/settings.py) and the page shows their refusal."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import LabourOperation, ROCategory, ServiceSettings
from .services.settings import SETTINGS_FIELDS


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class ServiceRulesForm(forms.Form):
    """The store's service rules, labelled as on the model."""

    def __init__(self, *args, settings: ServiceSettings, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SETTINGS_FIELDS:
            model_field = ServiceSettings._meta.get_field(name)
            self.fields[name] = forms.CharField(label=model_field.verbose_name,
                                                initial=getattr(settings, name))
        _styled(self)


class LabourRateForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("Every category")), *ROCategory.choices])
    rate = forms.CharField(label=_("Hourly rate (yuan)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class LabourOperationForm(forms.Form):
    """Code, name, default hours, usual category and the hours per vehicle model
    (``hours_<model id>``; blank = the default hours)."""

    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=100)
    default_hours = forms.CharField(label=_("Standard hours"))
    category = forms.ChoiceField(label=_("Usual category"), required=False,
                                 choices=[("", "—"), *ROCategory.choices])

    def __init__(self, *args, models, operation: LabourOperation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        times = {}
        if operation is not None:
            times = {t.model_id: t.hours for t in operation.times.all()}
            for name in ("code", "name", "default_hours", "category"):
                self.fields[name].initial = getattr(operation, name)
        for model in models:
            self.fields[f"hours_{model.pk}"] = forms.CharField(
                label=_("Hours for %(model)s") % {"model": f"{model.brand} {model.name}"},
                required=False, initial=times.get(model.pk))
        _styled(self)

    def model_fields(self):
        return [self[name] for name in self.fields if name.startswith("hours_")]

    def main_fields(self):
        return [self[name] for name in self.fields if not name.startswith("hours_")]


def posted_times(data, models) -> dict[int, str]:
    """``{model id: hours}`` of the filled ``hours_<model id>`` fields."""
    times = {}
    for model in models:
        value = (data.get(f"hours_{model.pk}") or "").strip()
        if value:
            times[model.pk] = value
    return times
