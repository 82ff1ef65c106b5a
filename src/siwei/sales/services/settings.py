"""A store's sales settings: follow-up intervals per grade (CS-6) and discount limits
(CS-16)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from siwei.core.audit import audit_record
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction
from siwei.crm.models import FollowUpInterval, LeadGrade

from ..models import SalesSettings


@service_transaction
def sales_settings_save(*, actor, store, intervals: dict[str, int], consultant_discount_limit:
                        Decimal, manager_discount_limit: Decimal,
                        o_grade_deposit: Decimal) -> SalesSettings:
    if not has_store_perm(actor, store, "sales.change_salessettings"):
        raise PermissionDenied(_("Only a sales manager may change this."))
    if consultant_discount_limit > manager_discount_limit:
        raise ValidationError({"consultant_discount_limit": [
            _("The consultant's limit cannot exceed the sales manager's.")]})
    for grade, days in intervals.items():
        if grade not in LeadGrade.values or not 1 <= int(days) <= 90:
            raise ValidationError({f"interval_{grade}": [_("Between 1 and 90 days.")]})
    settings, _created = SalesSettings.objects.select_for_update().get_or_create(store=store)
    before = {"consultant": str(settings.consultant_discount_limit),
              "manager": str(settings.manager_discount_limit)}
    settings.consultant_discount_limit = consultant_discount_limit
    settings.manager_discount_limit = manager_discount_limit
    settings.o_grade_deposit = o_grade_deposit
    settings.save()
    for grade, days in intervals.items():
        FollowUpInterval.objects.update_or_create(store=store, grade=grade,
                                                  defaults={"days": int(days)})
    audit_record(actor=actor, action="sales.settings", store=store, obj=settings,
                 before=before, after={"consultant": str(consultant_discount_limit),
                                       "manager": str(manager_discount_limit),
                                       "intervals": intervals})
    return settings
