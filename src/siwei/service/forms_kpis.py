"""The filter of the Service KPIs page: a period and the store (or all the stores the
user may see the KPIs of, side by side)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms_workshop import PeriodForm

ALL_STORES = "all"


class ServiceKpiForm(PeriodForm):
    store = forms.ChoiceField(label=_("Store"), required=False)

    def __init__(self, *args, stores: list, active, **kwargs):
        kwargs.setdefault("month_to_date", True)
        super().__init__(*args, **kwargs)
        self.allowed, self.active = list(stores), active
        choices = [(s.code, s.name) for s in self.allowed]
        if len(self.allowed) > 1:
            choices.insert(0, (ALL_STORES, _("All my stores side by side")))
        self.fields["store"].choices = choices
        self.fields["store"].initial = self.default_store()

    def default_store(self) -> str:
        if len(self.allowed) > 1:
            return ALL_STORES
        return self.active.code if self.active is not None else ""

    def stores(self) -> list:
        """The stores chosen: all of them, one, or by default all when there are
        several (group roles), else the active store."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        code = data.get("store") or self.default_store()
        if code == ALL_STORES:
            return self.allowed
        chosen = [s for s in self.allowed if s.code == code]
        return chosen or [self.active]
