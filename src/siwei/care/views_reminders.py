"""Pages of the reminders (CR-5): insurance renewals with the renewal rate, and the
store's care settings."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.exports import xlsx_response
from siwei.core.paging import paginate
from siwei.core.permissions import has_store_perm
from siwei.core.views import require_store_perm
from siwei.crm.models import Vehicle

from . import selectors_reminders as selectors
from .forms_reminders import CareSettingsForm, RenewalForm
from .models import care_settings
from .services.care_settings import care_settings_update
from .services.insurance import insurance_renewal_record


def _int_param(request, name: str, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(int(request.GET.get(name, default)), high))
    except ValueError:
        return default


@require_store_perm("care.view_insurancerenewal")
def insurance_renewals(request: HttpRequest) -> HttpResponse:
    """Insurance expiring soon (and lately expired), the renewal rate per month for the
    last 12 months, and the renewals recorded; .xlsx with ``?format=xlsx``."""
    store, today = request.store, clock.today()
    days = _int_param(request, "days", 60, 0, 366)
    expiring = selectors.expiring_vehicles(store=store, since=today - dt.timedelta(days=30),
                                           until=today + dt.timedelta(days=days))
    months = selectors.renewal_rates(store=store, first=clock.add_months(today, -11),
                                     last=today)
    renewals = selectors.recent_renewals(store=store)
    if request.GET.get("format") == "xlsx":
        return xlsx_response("insurance-renewals", [
            (_("Expiring"), [_("Expiry"), _("Plate"), "VIN", _("Model"), _("Owner"),
                             _("Insurance company")],
             ([v.insurance_expiry, v.plate, v.vin, str(v.model or v.brand),
               v.owner.name if v.owner else "", v.insurance_company] for v in expiring)),
            (_("Renewal rate"), [_("Month"), _("Expiring"), _("Renewed through us"),
                                 _("Renewed elsewhere"), _("Not renewed"), _("Renewal rate %")],
             ([m.month.strftime("%Y-%m"), m.expiring, m.through_us, m.elsewhere,
               m.not_renewed, m.rate] for m in months)),
            (_("Renewals"), [_("Recorded"), _("Plate"), _("Customer"), _("Previous insurer"),
                             _("Previous expiry"), _("Insurance company"), _("New expiry"),
                             _("Renewed through us")],
             ([r.recorded_at, r.vehicle.plate, r.customer.name if r.customer else "",
               r.previous_company, r.previous_expiry, r.company, r.new_expiry,
               _("Yes") if r.through_us else _("No")] for r in renewals[:5000])),
        ])
    return render(request, "care/reminders/insurance_renewals.html", {
        "page": paginate(request, expiring), "days": days, "today": today,
        "months": months, "chart": selectors.renewal_chart(months),
        "renewals": renewals[:20],
        "can_record": has_store_perm(request.user, store, "care.add_insurancerenewal"),
    })


@require_store_perm("care.add_insurancerenewal")
def insurance_renew(request: HttpRequest, vehicle: int) -> HttpResponse:
    """Record a renewal of one vehicle's insurance, through us or elsewhere."""
    found = (Vehicle.objects.for_store(request.store).select_related("owner", "model")
             .filter(pk=vehicle).first())
    if found is None:
        raise Http404
    expiry = found.insurance_expiry or clock.today()
    form = RenewalForm(request.POST or None, initial={
        "company": found.insurance_company,
        "new_expiry": clock.add_months(expiry, 12)})
    if request.method == "POST" and form.is_valid():
        try:
            insurance_renewal_record(actor=request.user, vehicle=found, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied:
            return render(request, "403.html", status=403)
        else:
            messages.success(request, _("The renewal of %(vehicle)s is recorded.")
                             % {"vehicle": found})
            return redirect(reverse("care:insurance-renewals"))
    return render(request, "care/reminders/insurance_renew.html",
                  {"vehicle": found, "form": form})


@require_store_perm("care.change_caresettings")
def settings_edit(request: HttpRequest) -> HttpResponse:
    """The store's care settings (CR-3, CR-5, CR-7, CR-11)."""
    row = care_settings(request.store)
    form = CareSettingsForm(request.POST or None, initial=CareSettingsForm.initial_from(row))
    if request.method == "POST" and form.is_valid():
        try:
            care_settings_update(actor=request.user, store=request.store, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied:
            return render(request, "403.html", status=403)
        else:
            messages.success(request, _("The care settings are saved."))
            return redirect(reverse("care:settings"))
    status = 400 if request.method == "POST" else 200
    return render(request, "care/reminders/settings.html", {"form": form}, status=status)
