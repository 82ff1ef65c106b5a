"""The service settings page (售后设置): the store's service rules, its labour rates per
category and the group's labour operations with their standard hours per model (SV-2,
SV-3, SV-8, SV-9). Every change is one service call (services/settings.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from siwei.core.permissions import has_store_perm
from siwei.core.views import require_store_perm, run_page_action
from siwei.crm.models import VehicleModel

from .forms_settings import LabourOperationForm, LabourRateForm, ServiceRulesForm, posted_times
from .models import LabourOperation, LabourRate, ServiceSettings
from .services import settings as services

_LABELS = {"rate": gettext_lazy("Hourly rate"), "category": gettext_lazy("Category"),
           "code": gettext_lazy("Code"), "name": gettext_lazy("Name"),
           "default_hours": gettext_lazy("Standard hours"),
           "times": gettext_lazy("Hours per model")}


def _named(exc: ValidationError, labels: dict) -> ValidationError:
    """The refusal with the label of each field it names, for the page's message."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError([f"{labels.get(field, field)}: {' '.join(errors)}"
                            for field, errors in exc.message_dict.items()])


def _rules_labels() -> dict:
    return {name: str(ServiceSettings._meta.get_field(name).verbose_name)
            for name in services.SETTINGS_FIELDS}


def _models(store):
    return VehicleModel.objects.filter(group_id=store.group_id).order_by("brand", "name")


def _update_rules(request: HttpRequest, _obj) -> None:
    fields = {name: request.POST.get(name, "") for name in services.SETTINGS_FIELDS}
    try:
        services.service_settings_update(actor=request.user, store=request.store, **fields)
    except ValidationError as exc:
        raise _named(exc, _rules_labels()) from exc
    messages.success(request, _("Service rules saved."))


def _set_rate(request: HttpRequest, _obj) -> None:
    try:
        services.labour_rate_set(actor=request.user, store=request.store,
                                 category=request.POST.get("category", ""),
                                 rate=request.POST.get("rate", ""))
    except ValidationError as exc:
        raise _named(exc, _LABELS) from exc
    messages.success(request, _("Labour rate saved."))


def _remove_rate(request: HttpRequest, _obj) -> None:
    rate = get_object_or_404(LabourRate.objects.for_store(request.store),
                             pk=request.POST.get("rate_id") or 0)
    services.labour_rate_remove(actor=request.user, store=request.store, rate=rate)
    messages.success(request, _("Labour rate removed."))


def _save_operation(request: HttpRequest, operation) -> None:
    data = request.POST
    try:
        services.labour_operation_save(
            actor=request.user, store=request.store, operation=operation,
            code=data.get("code", ""), name=data.get("name", ""),
            default_hours=data.get("default_hours", ""), category=data.get("category", ""),
            times=posted_times(data, _models(request.store)))
    except ValidationError as exc:
        raise _named(exc, _LABELS) from exc
    messages.success(request, _("Labour operation saved."))


_ACTIONS = {
    "rules": ("service.change_servicesettings", _update_rules),
    "rate_set": ("service.change_labourrate", _set_rate),
    "rate_remove": ("service.change_labourrate", _remove_rate),
    "operation_add": ("service.add_labouroperation", _save_operation),
    "operation_change": ("service.change_labouroperation", _save_operation),
}


@require_store_perm("service.view_servicesettings")
def service_settings_page(request: HttpRequest) -> HttpResponse:
    """The store's service rules, labour rates and the group's labour operations."""
    store, user = request.store, request.user
    operations = LabourOperation.objects.filter(group_id=store.group_id)
    editing = None
    if request.GET.get("operation"):
        editing = get_object_or_404(operations.prefetch_related("times"),
                                    pk=request.GET["operation"])
    if request.method == "POST":
        operation = editing if request.POST.get("action") == "operation_change" else None
        if request.POST.get("action") == "operation_change" and operation is None:
            return render(request, "403.html", status=403)
        refused = run_page_action(request, _ACTIONS, operation)
        if refused is not None:
            return refused
        target = reverse("service:settings")
        if editing is not None and request.POST.get("action") == "operation_change":
            target += f"?operation={editing.pk}"
        return redirect(target)
    query = (request.GET.get("q") or "").strip()
    if query:
        operations = operations.filter(Q(code__icontains=query) | Q(name__icontains=query))
    page = Paginator(operations.prefetch_related("times").order_by("code"), 50).get_page(
        request.GET.get("page"))
    models = list(_models(store))
    return render(request, "service/settings/page.html", {
        "rules_form": ServiceRulesForm(settings=services.service_settings_of(store)),
        "rate_form": LabourRateForm(),
        "operation_form": LabourOperationForm(models=models, operation=editing),
        "rates": LabourRate.objects.for_store(store).order_by("category"),
        "operations": page, "query": query, "editing": editing,
        "model_count": len(models),
        "can_change_rules": has_store_perm(user, store, "service.change_servicesettings"),
        "can_change_rates": has_store_perm(user, store, "service.change_labourrate"),
        "can_add_operation": has_store_perm(user, store, "service.add_labouroperation"),
        "can_change_operation": has_store_perm(user, store, "service.change_labouroperation"),
    })
