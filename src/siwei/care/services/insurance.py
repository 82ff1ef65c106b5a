"""Insurance renewals (续保, CR-5): record a renewal, through us or elsewhere; the renewal
rate is computed in ``siwei.care.selectors_reminders``."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction
from siwei.crm.models import Vehicle

from ..models import FollowUp, FollowUpKind, FollowUpStatus, InsuranceRenewal


@service_transaction
def insurance_renewal_record(*, actor, vehicle: Vehicle, company: str, new_expiry: dt.date,
                             through_us: bool) -> InsuranceRenewal:
    """Record that ``vehicle``'s insurance was renewed until ``new_expiry`` with
    ``company``, through us or elsewhere: the vehicle's insurer and expiry change, the
    renewal is kept for the renewal rate, and the pending insurance reminders of the
    vehicle are done. ``actor=None`` is the system (imports, the demo)."""
    if actor is not None and not has_store_perm(actor, vehicle.store,
                                                "care.add_insurancerenewal"):
        raise PermissionDenied(_("You may not record insurance renewals."))
    company = (company or "").strip()
    errors: dict[str, list[str]] = {}
    if not company:
        errors["company"] = [_("Enter the insurance company.")]
    elif len(company) > 50:
        errors["company"] = [_("Use at most 50 characters.")]
    if not isinstance(new_expiry, dt.date):
        errors["new_expiry"] = [_("Enter a date.")]
    if errors:
        raise ValidationError(errors)
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    previous_company, previous_expiry = vehicle.insurance_company, vehicle.insurance_expiry
    if previous_expiry is not None and new_expiry <= previous_expiry:
        raise ValidationError({"new_expiry": [
            _("The new expiry must be after the current one (%(date)s).")
            % {"date": previous_expiry.isoformat()}]})
    if new_expiry <= clock.today():
        raise ValidationError({"new_expiry": [_("The new expiry must be in the future.")]})
    now = clock.now()
    renewal = InsuranceRenewal.objects.create(
        store=vehicle.store, vehicle=vehicle, customer=vehicle.owner,
        previous_company=previous_company, previous_expiry=previous_expiry, company=company,
        new_expiry=new_expiry, through_us=bool(through_us), recorded_at=now,
        recorded_by=actor)
    Vehicle.objects.filter(pk=vehicle.pk).update(insurance_company=company,
                                                 insurance_expiry=new_expiry)
    note = (_("Insurance renewed through us until %(date)s.") if through_us
            else _("Insurance renewed elsewhere until %(date)s.")) % {
        "date": new_expiry.isoformat()}
    FollowUp.objects.filter(kind=FollowUpKind.INSURANCE_EXPIRY, source_type="crm.vehicle",
                            source_id=vehicle.pk, status=FollowUpStatus.PENDING).update(
        status=FollowUpStatus.DONE, completed_at=now, completed_by=actor, result=note)
    audit_record(actor=actor, action="insurance.renew", obj=renewal,
                 before={"company": previous_company, "expiry": previous_expiry},
                 after={"company": company, "expiry": new_expiry,
                        "through_us": bool(through_us)})
    return renewal
