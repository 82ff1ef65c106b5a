"""FN-10 "every list exports to .xlsx": the lists that have no page of their own with a
download (vehicles, payments, showroom visits) are offered here. Mobile numbers are
masked for users without ``core.view_personal_data``; a download with personal data is
audited."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from siwei.core.audit import audit_record
from siwei.core.masking import can_view_personal_data, mask_mobile
from siwei.core.permissions import has_store_perm

ROW_LIMIT = 50000


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _vehicles(store, full: bool) -> tuple[list, Iterable[list[Any]]]:
    from siwei.crm.models import Vehicle

    rows = Vehicle.objects.for_store(store).select_related("model", "owner").order_by("-id")
    headers = [_("VIN"), _("Plate"), _("Model"), _("Colour"), _("Owner"), _("Mobile"),
               _("Registration date"), _("Warranty end"), _("Last odometer (km)"),
               _("Next maintenance"), _("Insurance expiry")]
    return headers, (
        [v.vin, v.plate, str(v.model or v.brand), v.colour, v.owner.name if v.owner else "",
         (v.owner.mobile if full else mask_mobile(v.owner.mobile)) if v.owner else "",
         v.registration_date, v.warranty_end, v.last_km, v.next_maintenance_date,
         v.insurance_expiry] for v in rows[:ROW_LIMIT])


def _payments(store, full: bool) -> tuple[list, Iterable[list[Any]]]:
    from siwei.finance.models import Payment

    rows = Payment.objects.for_store(store).select_related(
        "sales_order", "repair_order", "cashier").order_by("-at", "-id")
    headers = [_("Receipt number"), _("Time"), _("Kind"), _("Method"), _("Amount"),
               _("Order"), _("Reference"), _("Cashier"), _("Note")]
    return headers, (
        [p.receipt_number, _local(p.at), p.get_kind_display(), p.get_method_display(),
         p.amount, (p.sales_order or p.repair_order or ""), p.reference,
         p.cashier.get_username(), p.note] for p in rows[:ROW_LIMIT])


def _visits(store, full: bool) -> tuple[list, Iterable[list[Any]]]:
    from siwei.crm.models import ShowroomVisit

    rows = ShowroomVisit.objects.for_store(store).select_related("consultant").order_by(
        "-time_in", "-id")
    headers = [_("Arrived"), _("Left"), _("Kind"), _("Visitor"), _("Mobile"), _("Party size"),
               _("First visit"), _("Consultant"), _("Test drive")]
    return headers, (
        [_local(v.time_in), _local(v.time_out), v.get_kind_display(), v.visitor_name,
         v.visitor_mobile if full else mask_mobile(v.visitor_mobile), v.party_size,
         v.first_visit, v.consultant.get_username() if v.consultant else "", v.test_drive]
        for v in rows[:ROW_LIMIT])


@dataclass(frozen=True)
class ListExport:
    slug: str
    title: Any
    permission: str
    rows: Callable[[Any, bool], tuple[list, Iterable[list[Any]]]]
    personal: bool


LISTS = {item.slug: item for item in (
    ListExport("vehicles", _("Vehicles"), "crm.view_vehicle", _vehicles, True),
    ListExport("payments", _("Payments"), "finance.view_payment", _payments, False),
    ListExport("showroom-visits", _("Showroom visits"), "crm.view_showroomvisit", _visits,
               True),
)}


def lists_for(user, store) -> list[ListExport]:
    return [item for item in LISTS.values() if has_store_perm(user, store, item.permission)]


def list_sheet(request, item: ListExport):
    """``(title, headers, rows)`` for ``xlsx_response``; audits a personal-data export."""
    full = can_view_personal_data(request)
    if item.personal:
        audit_record(actor=request.user, action="list.export", store=request.store,
                     object_type=item.slug, note=f"{item.slug} full={int(full)}")
    headers, rows = item.rows(request.store, full)
    return item.title, headers, rows
