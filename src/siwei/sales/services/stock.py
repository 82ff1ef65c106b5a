"""Vehicle stock, certificates and test drives (CS-10, CS-13, CS-15)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.errors import DomainError
from siwei.core.fields import money
from siwei.core.models import Store
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction
from siwei.core.validators import validate_vin

from ..models import CertificateMove, CertificateStatus, StockStatus, StockVehicle, TestDrive


@service_transaction
def stock_vehicle_create(*, actor, store: Store, vin: str, model, colour: str, cost: Decimal,
                         msrp: Decimal, trim=None, arrival_date: dt.date | None = None,
                         status: str = StockStatus.IN_STOCK, is_demo: bool = False,
                         certificate_number: str = "", floor_plan_bank: str = "",
                         pledge_date: dt.date | None = None, location: str = "") -> StockVehicle:
    """Take a new car into stock; its certificate starts in the safe, or pledged to the
    floor-plan bank (CS-13, CS-15)."""
    try:
        vin = validate_vin(vin)
    except ValidationError as exc:
        raise ValidationError({"vin": exc.messages}) from None
    if StockVehicle.objects.filter(vin=vin).exists():
        raise ValidationError({"vin": [_("This VIN is already in stock.")]})
    if status not in (StockStatus.ORDERED, StockStatus.IN_TRANSIT, StockStatus.IN_STOCK):
        raise ValidationError({"status": [_("New stock is ordered, in transit or in stock.")]})
    if model.group_id != store.group_id:
        raise ValidationError({"model": [_("Unknown model.")]})
    vehicle = StockVehicle(
        store=store, vin=vin, model=model, trim=trim, colour=colour, cost=money(cost),
        msrp=money(msrp), arrival_date=arrival_date, is_demo=is_demo,
        status=StockStatus.DEMO if is_demo else status, location=location,
        certificate_number=certificate_number, floor_plan_bank=floor_plan_bank,
        pledge_date=pledge_date,
        certificate_status=CertificateStatus.PLEDGED if floor_plan_bank
        else CertificateStatus.IN_SAFE,
        certificate_holder=floor_plan_bank)
    vehicle.full_clean(exclude=["store"])
    vehicle.save()
    audit_record(actor=actor, action="stock_vehicle.create", obj=vehicle,
                 after={"vin": vin, "status": vehicle.status, "cost": str(vehicle.cost)})
    return vehicle


CERTIFICATE_MOVES = {
    # to status: allowed from
    CertificateStatus.IN_SAFE: {CertificateStatus.PLEDGED, CertificateStatus.LENT},
    CertificateStatus.PLEDGED: {CertificateStatus.IN_SAFE},
    CertificateStatus.LENT: {CertificateStatus.IN_SAFE},
}


@service_transaction
def certificate_move(*, actor, vehicle: StockVehicle, to_status: str, to_whom: str = "",
                     reason: str = "", due_back: dt.date | None = None) -> StockVehicle:
    """Move a certificate between the safe, the bank and a loan. Release to the buyer is
    only through the order (``order_release_certificate``)."""
    vehicle = StockVehicle.objects.select_for_update().get(pk=vehicle.pk)
    if not has_store_perm(actor, vehicle.store, "sales.move_certificate"):
        raise PermissionDenied(_("You may not move certificates."))
    allowed = CERTIFICATE_MOVES.get(to_status)
    if allowed is None or vehicle.certificate_status not in allowed:
        raise DomainError("invalid_transition",
                          _("The certificate cannot go from %(a)s to %(b)s.")
                          % {"a": vehicle.get_certificate_status_display(), "b": to_status},
                          status=vehicle.certificate_status)
    if to_status == CertificateStatus.LENT and not (reason.strip() and due_back and to_whom):
        raise ValidationError({"reason": [_("A loan needs to whom, a reason and a due date.")]})
    record_certificate_move(actor=actor, vehicle=vehicle, to_status=to_status, to_whom=to_whom,
                            reason=reason, due_back=due_back)
    return vehicle


def record_certificate_move(*, actor, vehicle: StockVehicle, to_status: str, to_whom: str = "",
                            reason: str = "", due_back=None, payment_proof: str = "") -> None:
    """Log the movement (who, when, to whom) and update the vehicle; the caller holds the
    vehicle's row lock and has checked the rule."""
    CertificateMove.objects.create(
        store=vehicle.store, vehicle=vehicle, from_status=vehicle.certificate_status,
        to_status=to_status, to_whom=to_whom, reason=reason, due_back=due_back,
        payment_proof=payment_proof, at=clock.now(), by=actor)
    before = vehicle.certificate_status
    vehicle.certificate_status = to_status
    vehicle.certificate_holder = to_whom if to_status != CertificateStatus.IN_SAFE else ""
    vehicle.certificate_due_back = due_back if to_status == CertificateStatus.LENT else None
    vehicle.save(update_fields=["certificate_status", "certificate_holder",
                                "certificate_due_back"])
    audit_record(actor=actor, action="certificate.move", obj=vehicle,
                 before={"status": before}, after={"status": to_status, "to": to_whom})


@service_transaction
def test_drive_book(*, actor, store: Store, vehicle: StockVehicle, customer, start: dt.datetime,
                    end: dt.datetime, licence_number: str, licence_checked: bool = True,
                    lead=None, route: str = "") -> TestDrive:
    """Book a demo vehicle; one already out in an overlapping drive is refused (CS-10)."""
    vehicle = StockVehicle.objects.select_for_update().get(pk=vehicle.pk)
    if vehicle.store_id != store.pk or not vehicle.is_demo:
        raise DomainError("vehicle_unavailable", _("This is not a demo vehicle of the store."))
    if end <= start:
        raise ValidationError({"end": [_("The drive must end after it starts.")]})
    if not licence_number.strip() or not licence_checked:
        raise ValidationError({"licence_number": [_("Check the driving licence first.")]})
    clash = TestDrive.objects.filter(vehicle=vehicle, start__lt=end, end__gt=start).first()
    if clash is not None:
        raise DomainError("vehicle_unavailable",
                          _("The demo vehicle is booked from %(start)s to %(end)s.")
                          % {"start": f"{clock_local(clash.start):%H:%M}",
                             "end": f"{clock_local(clash.end):%H:%M}"})
    drive = TestDrive.objects.create(
        store=store, vehicle=vehicle, customer=customer, lead=lead, start=start, end=end,
        licence_number=licence_number.strip(), licence_checked=True, route=route,
        consultant=actor)
    if lead is not None and lead.status == "open" and (
            lead.consultant_id == actor.pk
            or has_store_perm(actor, store, "crm.view_all_leads")):
        # The drive is a contact on the lead of whoever may follow it up (CS-7).
        from siwei.crm.models import ActivityType
        from siwei.crm.services import lead_log_activity

        lead_log_activity(actor=actor, lead=lead, type=ActivityType.TEST_DRIVE,
                          content=str(vehicle), at=start)
    return drive


def clock_local(value: dt.datetime) -> dt.datetime:
    from django.utils import timezone

    return timezone.localtime(value)


@service_transaction
def test_drive_finish(*, actor, drive: TestDrive, feedback: str,
                      end: dt.datetime | None = None) -> TestDrive:
    if not has_store_perm(actor, drive.store, "sales.change_testdrive"):
        raise PermissionDenied(_("You may not record test drives here."))
    drive.feedback = feedback
    if end is not None:
        if end <= drive.start:
            raise ValidationError({"end": [_("The drive must end after it starts.")]})
        drive.end = end
    drive.save(update_fields=["feedback", "end"])
    return drive
