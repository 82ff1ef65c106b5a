"""Repair orders from reception to signature, lines, approvals and parts (SV-6 … SV-12)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from siwei.core.errors import DomainError
from siwei.crm.models import OdometerReading
from siwei.parts.models import PartStore, StockRequest
from siwei.service.models import (
    Concern,
    LabourRate,
    LabourTime,
    Payer,
    RepairOrder,
    ROStatus,
)
from siwei.service.services.orders import (
    repair_order_add_job,
    repair_order_add_part,
    repair_order_approve_additional,
    repair_order_approve_contract,
    repair_order_decline_additional,
    repair_order_issue_parts,
    repair_order_open,
    repair_order_remove_line,
    repair_order_return_parts,
    repair_order_sign,
    work_allowed,
)

pytestmark = pytest.mark.django_db

SIGNATURE = "data:image/png;base64,iVBORw0KGgo="


def open_ro(crew, store, car, clock, **extra):
    customer, vehicle = car
    data = {"category": "maintenance", "mileage": 12000, "complaints": ["保养", "  "],
            "promised_at": clock.now() + dt.timedelta(hours=3)}
    data.update(extra)
    return repair_order_open(actor=crew.advisor, store=store, customer=customer,
                             vehicle=vehicle, **data)


def signed_ro(crew, store, car, clock, operations, part=None):
    ro = open_ro(crew, store, car, clock)
    repair_order_add_job(actor=crew.advisor, repair_order=ro, payer=Payer.CUSTOMER,
                         operation=operations["oil"])
    if part is not None:
        repair_order_add_part(actor=crew.advisor, repair_order=ro, part=part, quantity=1,
                              payer=Payer.CUSTOMER)
    repair_order_sign(actor=crew.advisor, repair_order=ro, signed_by_name="周杰",
                      signature=SIGNATURE)
    ro.refresh_from_db()
    return ro


def test_sv7_open_numbers_the_order_records_odometer_and_complaints(crew, car, store_bj,
                                                                    clock):
    ro = open_ro(crew, store_bj, car, clock, fuel_level=50, covers_applied=True,
                 valuables="行车记录仪")
    assert ro.number == "RO-BJ01-20261122-0001" and ro.status == ROStatus.DRAFT
    assert ro.advisor == crew.advisor and ro.received_at == clock.now()
    assert list(Concern.objects.filter(repair_order=ro).values_list("text", flat=True)) == ["保养"]
    reading = OdometerReading.objects.get(vehicle=car[1])
    assert reading.km == 12000 and reading.source == "service"
    second = open_ro(crew, store_bj, car, clock, mileage=12005)
    assert second.number.endswith("-0002")


def test_cs3_reception_refuses_an_odometer_rollback(crew, car, store_bj, clock):
    open_ro(crew, store_bj, car, clock, mileage=12000)
    with pytest.raises(DomainError) as refused:
        open_ro(crew, store_bj, car, clock, mileage=11000)
    assert refused.value.code == "odometer_rollback"
    assert RepairOrder.objects.count() == 1


def test_sv7_promised_time_must_be_in_the_future(crew, car, store_bj, clock):
    with pytest.raises(ValidationError) as refused:
        open_ro(crew, store_bj, car, clock, promised_at=clock.now() - dt.timedelta(hours=1))
    assert "promised_at" in refused.value.message_dict


def test_sv7_order_of_another_store_customer_is_refused(crew, car, store_bj, store_sh, clock):
    customer, vehicle = car
    with pytest.raises(ValidationError) as refused:
        repair_order_open(actor=None, advisor=crew.advisor, store=store_sh, customer=customer,
                          vehicle=vehicle, category="maintenance", mileage=12000,
                          complaints=[], promised_at=clock.now() + dt.timedelta(hours=1))
    assert "customer" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        open_ro(crew, store_sh, car, clock)


def _released(ro, clock, days_ago=10):
    RepairOrder.objects.filter(pk=ro.pk).update(status=ROStatus.RELEASED,
                                                released_at=clock.now()
                                                - dt.timedelta(days=days_ago))


def test_sv6_comeback_within_30_days_and_3000_km_is_linked(crew, car, store_bj, clock):
    first = open_ro(crew, store_bj, car, clock, mileage=12000)
    _released(first, clock, days_ago=10)
    again = open_ro(crew, store_bj, car, clock, mileage=12800, category="comeback")
    assert again.comeback_of == first and again.category == "comeback"
    flagged = open_ro(crew, store_bj, car, clock, mileage=12900, category="minor_repair")
    assert flagged.comeback_of == first and flagged.category == "minor_repair"


def test_sv6_no_comeback_outside_the_window(crew, car, store_bj, clock):
    first = open_ro(crew, store_bj, car, clock, mileage=12000)
    _released(first, clock, days_ago=31)
    assert open_ro(crew, store_bj, car, clock, mileage=12100).comeback_of is None
    _released(first, clock, days_ago=5)
    assert open_ro(crew, store_bj, car, clock, mileage=15500).comeback_of is None
    with pytest.raises(ValidationError) as refused:
        open_ro(crew, store_bj, car, clock, mileage=15600, category="comeback")
    assert "comeback_of" in refused.value.message_dict


def test_sv7_appointment_must_be_for_the_same_vehicle(crew, car, store_bj, clock, group):
    from siwei.crm.services import vehicle_create
    from siwei.service.models import Appointment
    from tests.sales_factories import make_vin

    customer, _vehicle = car
    other = vehicle_create(actor=crew.advisor, store=store_bj, vin=make_vin(3999),
                           owner=customer)
    appointment = Appointment.objects.create(
        store=store_bj, number="AP-1", customer=customer, vehicle=other, advisor=crew.advisor,
        start=clock.now(), category="maintenance", estimated_hours=1, created_at=clock.now())
    with pytest.raises(ValidationError) as refused:
        open_ro(crew, store_bj, car, clock, appointment=appointment)
    assert "appointment" in refused.value.message_dict


def test_sv9_job_hours_from_the_models_labour_time_and_the_store_rate(crew, car, store_bj,
                                                                      clock, operations):
    _customer, vehicle = car
    LabourTime.objects.create(operation=operations["brakes"], model=vehicle.model,
                              hours=Decimal("1.50"))
    LabourRate.objects.create(store=store_bj, category="minor_repair", rate=Decimal("260.00"))
    ro = open_ro(crew, store_bj, car, clock, category="minor_repair")
    job = repair_order_add_job(actor=crew.advisor, repair_order=ro, payer=Payer.CUSTOMER,
                               operation=operations["brakes"])
    assert (job.hours, job.rate, job.amount) == (Decimal("1.50"), Decimal("260.00"),
                                                 Decimal("390.00"))
    job = repair_order_add_job(actor=crew.advisor, repair_order=ro, payer=Payer.CUSTOMER,
                               operation=operations["oil"])
    assert job.hours == Decimal("0.50") and job.name == "更换机油机滤"
    ro.refresh_from_db()
    assert ro.estimate_total == ro.customer_total == Decimal("520.00")


def test_sv9_a_missing_labour_rate_is_a_clear_error(crew, car, store_bj, clock):
    ro = open_ro(crew, store_bj, car, clock)
    with pytest.raises(ValidationError) as refused:
        repair_order_add_job(actor=crew.advisor, repair_order=ro, payer=Payer.CUSTOMER,
                             name="检查", hours=Decimal("1"))
    assert "rate" in refused.value.message_dict


def test_sv9_part_price_follows_the_payer_and_the_clerk_gets_a_request(
        crew, car, store_bj, clock, operations, stocked_part):
    stocked_part.warranty_price = Decimal("60.00")
    stocked_part.save()
    ro = open_ro(crew, store_bj, car, clock)
    customer_line = repair_order_add_part(actor=crew.advisor, repair_order=ro,
                                          part=stocked_part, quantity=2, payer=Payer.CUSTOMER)
    warranty_line = repair_order_add_part(actor=crew.advisor, repair_order=ro,
                                          part=stocked_part, quantity=1, payer=Payer.WARRANTY)
    assert customer_line.amount == Decimal("176.00")
    assert warranty_line.unit_price == Decimal("60.00")
    requests = StockRequest.objects.filter(document_type="service.repairorder",
                                           document_id=str(ro.pk))
    assert sorted(requests.values_list("document_line_id", "quantity")) == sorted(
        [(str(customer_line.pk), Decimal("2.000")), (str(warranty_line.pk), Decimal("1.000"))])
    ro.refresh_from_db()
    assert ro.estimate_total == Decimal("236.00") and ro.customer_total == Decimal("176.00")


def test_sv7_no_work_before_signature(crew, car, store_bj, clock, operations):
    ro = open_ro(crew, store_bj, car, clock)
    repair_order_add_job(actor=crew.advisor, repair_order=ro, payer=Payer.CUSTOMER,
                         operation=operations["oil"])
    with pytest.raises(DomainError) as refused:
        work_allowed(ro)
    assert refused.value.code == "not_signed"
    repair_order_sign(actor=crew.advisor, repair_order=ro, signed_by_name="周杰",
                      phone_consent=True)
    ro.refresh_from_db()
    work_allowed(ro)
    assert ro.status == ROStatus.OPEN and ro.phone_consent and ro.signed_estimate == 150


def test_sv7_signature_or_the_advisors_phone_tick_is_needed(crew, car, store_bj, clock,
                                                            operations):
    ro = open_ro(crew, store_bj, car, clock)
    repair_order_add_job(actor=crew.advisor, repair_order=ro, payer=Payer.CUSTOMER,
                         operation=operations["oil"])
    with pytest.raises(ValidationError) as refused:
        repair_order_sign(actor=crew.advisor, repair_order=ro, signed_by_name="周杰")
    assert "signature" in refused.value.message_dict
    with pytest.raises(ValidationError):
        repair_order_sign(actor=crew.advisor, repair_order=ro, signed_by_name="周杰",
                          signature="javascript:alert(1)")
    repair_order_sign(actor=crew.advisor, repair_order=ro, signed_by_name="周杰",
                      signature=SIGNATURE)
    with pytest.raises(DomainError) as twice:
        repair_order_sign(actor=crew.advisor, repair_order=ro, signed_by_name="周杰",
                          signature=SIGNATURE)
    assert twice.value.code == "invalid_transition"


def test_sv7_lines_are_removed_only_before_signature(crew, car, store_bj, clock, operations,
                                                     stocked_part):
    ro = open_ro(crew, store_bj, car, clock)
    job = repair_order_add_job(actor=crew.advisor, repair_order=ro, payer=Payer.CUSTOMER,
                               operation=operations["oil"])
    line = repair_order_add_part(actor=crew.advisor, repair_order=ro, part=stocked_part,
                                 quantity=1, payer=Payer.CUSTOMER)
    line_id = str(line.pk)
    repair_order_remove_line(actor=crew.advisor, repair_order=ro, line=line)
    assert StockRequest.objects.get(document_line_id=line_id).status == "cancelled"
    ro.refresh_from_db()
    assert ro.estimate_total == Decimal("150.00")
    repair_order_sign(actor=crew.advisor, repair_order=ro, signed_by_name="周杰",
                      signature=SIGNATURE)
    with pytest.raises(DomainError) as refused:
        repair_order_remove_line(actor=crew.advisor, repair_order=ro, line=job)
    assert refused.value.code == "invalid_transition"


def test_sv8_contract_required_over_1000(crew, car, store_bj, clock, operations):
    ro = open_ro(crew, store_bj, car, clock, category="minor_repair")
    repair_order_add_job(actor=crew.advisor, repair_order=ro, payer=Payer.CUSTOMER,
                         name="底盘检修", hours=Decimal("3.40"))  # 1,020 yuan
    repair_order_sign(actor=crew.advisor, repair_order=ro, signed_by_name="周杰",
                      signature=SIGNATURE)
    ro.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        work_allowed(ro)
    assert refused.value.code == "contract_required"
    with pytest.raises(PermissionDenied):
        repair_order_approve_contract(actor=crew.advisor, repair_order=ro)
    repair_order_approve_contract(actor=crew.manager, repair_order=ro)
    ro.refresh_from_db()
    assert ro.contract_approved_by == crew.manager
    work_allowed(ro)


def test_sv8_contract_required_for_overhaul_whatever_the_amount(crew, car, store_bj, clock,
                                                                operations):
    ro = open_ro(crew, store_bj, car, clock, category="overhaul")
    repair_order_add_job(actor=crew.advisor, repair_order=ro, payer=Payer.CUSTOMER,
                         name="检查", hours=Decimal("0.20"))
    repair_order_sign(actor=crew.advisor, repair_order=ro, signed_by_name="周杰",
                      signature=SIGNATURE)
    ro.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        work_allowed(ro)
    assert refused.value.code == "contract_required"


def test_sv8_below_the_threshold_no_contract(crew, car, store_bj, clock, operations):
    ro = signed_ro(crew, store_bj, car, clock, operations)
    work_allowed(ro)


def test_sv11_lines_added_after_signature_need_the_customers_approval(crew, car, store_bj,
                                                                      clock, operations):
    ro = signed_ro(crew, store_bj, car, clock, operations)
    extra = repair_order_add_job(actor=crew.advisor, repair_order=ro, payer=Payer.CUSTOMER,
                                 operation=operations["brakes"], additional=False)
    assert extra.additional and extra.needs_approval
    with pytest.raises(DomainError) as refused:
        work_allowed(ro, extra)
    assert refused.value.code == "approval_required"
    later = clock.now() + dt.timedelta(hours=5)
    repair_order_approve_additional(actor=crew.advisor, repair_order=ro, lines=[extra],
                                    approved_by_name="周杰", channel="phone", promised_at=later)
    extra.refresh_from_db()
    ro.refresh_from_db()
    assert (extra.approved_by_name, extra.approval_channel) == ("周杰", "phone")
    assert extra.approved_at == clock.now() and ro.promised_at == later
    assert ro.estimate_total == Decimal("510.00")
    work_allowed(ro, extra)


def test_sv11_declined_work_stays_as_recommended_work(crew, car, store_bj, clock, operations):
    ro = signed_ro(crew, store_bj, car, clock, operations)
    extra = repair_order_add_job(actor=crew.advisor, repair_order=ro, payer=Payer.CUSTOMER,
                                 operation=operations["brakes"], additional=True)
    repair_order_decline_additional(actor=crew.advisor, repair_order=ro, lines=[extra])
    extra.refresh_from_db()
    ro.refresh_from_db()
    assert extra.declined and extra.status == "declined"
    assert ro.estimate_total == Decimal("150.00")
    with pytest.raises(DomainError):
        repair_order_approve_additional(actor=crew.advisor, repair_order=ro, lines=[extra],
                                        approved_by_name="周杰", channel="phone")


def test_sv15_a_declined_safety_item_needs_the_customers_signature(crew, car, store_bj, clock,
                                                                   operations):
    ro = signed_ro(crew, store_bj, car, clock, operations)
    pads = repair_order_add_job(actor=crew.advisor, repair_order=ro, payer=Payer.CUSTOMER,
                                operation=operations["brakes"], safety_related=True)
    with pytest.raises(ValidationError) as refused:
        repair_order_decline_additional(actor=crew.advisor, repair_order=ro, lines=[pads])
    assert "signature" in refused.value.message_dict
    repair_order_decline_additional(actor=crew.advisor, repair_order=ro, lines=[pads],
                                    declined_by_name="周杰", signature=SIGNATURE)
    pads.refresh_from_db()
    assert pads.declined and pads.approved_by_name == "周杰"


def test_sv12_issue_and_return_keep_the_lines_issued_figure(crew, car, store_bj, clock,
                                                            operations, stocked_part):
    ro = signed_ro(crew, store_bj, car, clock, operations, part=stocked_part)
    line = ro.part_lines.get()
    with pytest.raises(PermissionDenied):
        repair_order_issue_parts(actor=crew.advisor, repair_order=ro, lines=[(line, 1)])
    repair_order_issue_parts(actor=crew.parts_clerk, repair_order=ro, lines=[(line, 1)])
    line.refresh_from_db()
    assert line.issued == 1
    assert StockRequest.objects.get(document_line_id=str(line.pk)).status == "issued"
    assert PartStore.objects.get(store=store_bj, part=stocked_part).on_hand == 9
    repair_order_return_parts(actor=crew.parts_clerk, repair_order=ro, lines=[(line, 1)])
    line.refresh_from_db()
    assert line.issued == 0
    assert PartStore.objects.get(store=store_bj, part=stocked_part).on_hand == 10
    with pytest.raises(DomainError) as refused:
        repair_order_return_parts(actor=crew.parts_clerk, repair_order=ro, lines=[(line, 1)])
    assert refused.value.code == "return_exceeds_issue"


def test_sv12_no_parts_for_unsigned_orders_or_unapproved_lines(crew, car, store_bj, clock,
                                                               operations, stocked_part):
    ro = open_ro(crew, store_bj, car, clock)
    line = repair_order_add_part(actor=crew.advisor, repair_order=ro, part=stocked_part,
                                 quantity=1, payer=Payer.CUSTOMER)
    with pytest.raises(DomainError) as refused:
        repair_order_issue_parts(actor=crew.parts_clerk, repair_order=ro, lines=[(line, 1)])
    assert refused.value.code == "not_signed"
    repair_order_sign(actor=crew.advisor, repair_order=ro, signed_by_name="周杰",
                      signature=SIGNATURE)
    extra = repair_order_add_part(actor=crew.advisor, repair_order=ro, part=stocked_part,
                                  quantity=1, payer=Payer.CUSTOMER)
    with pytest.raises(DomainError) as unapproved:
        repair_order_issue_parts(actor=crew.parts_clerk, repair_order=ro, lines=[(extra, 1)])
    assert unapproved.value.code == "approval_required"


def test_sv12_issue_above_stock_is_refused(crew, car, store_bj, clock, operations,
                                           stocked_part):
    ro = signed_ro(crew, store_bj, car, clock, operations, part=stocked_part)
    line = ro.part_lines.get()
    with pytest.raises(DomainError) as refused:
        repair_order_issue_parts(actor=crew.parts_clerk, repair_order=ro, lines=[(line, 11)])
    assert refused.value.code == "insufficient_stock"


def test_pt9_an_appointments_reservation_moves_to_the_line(crew, car, store_bj, clock,
                                                           operations, stocked_part):
    from siwei.parts.models import Reservation
    from siwei.parts.services import stock_reserve

    ro = open_ro(crew, store_bj, car, clock)
    stock_reserve(actor=None, store=store_bj, part=stocked_part, quantity=10,
                  document_type="service.repairorder", document_id=str(ro.pk))
    line = repair_order_add_part(actor=crew.advisor, repair_order=ro, part=stocked_part,
                                 quantity=2, payer=Payer.CUSTOMER)
    open_rows = Reservation.objects.filter(document_id=str(ro.pk), status="open")
    assert sorted(open_rows.values_list("document_line_id", "quantity")) == [
        ("", Decimal("8.000")), (str(line.pk), Decimal("2.000"))]
    repair_order_sign(actor=crew.advisor, repair_order=ro, signed_by_name="周杰",
                      signature=SIGNATURE)
    repair_order_issue_parts(actor=crew.parts_clerk, repair_order=ro, lines=[(line, 2)])
    assert PartStore.objects.get(store=store_bj, part=stocked_part).reserved == 8


def test_orders_returned_by_services_still_query_their_lines(crew, car, operations, store_bj,
                                                            clock):
    """The lines a service remembers on an order behave like prefetched ones: reading them
    costs nothing, and filtering or ordering them still works."""
    import datetime as dt

    from siwei.service.services.orders import (
        repair_order_add_job,
        repair_order_open,
        repair_order_sign,
    )

    customer, vehicle = car
    ro = repair_order_open(actor=crew.advisor, store=store_bj, customer=customer,
                           vehicle=vehicle, category="maintenance", mileage=20000,
                           promised_at=clock.now() + dt.timedelta(hours=3),
                           complaints=["保养"])
    repair_order_add_job(actor=crew.advisor, repair_order=ro, payer="customer",
                         operation=operations["oil"])
    signed = repair_order_sign(actor=crew.advisor, repair_order=ro, signed_by_name="周杰",
                               signature="data:image/png;base64,AAAA")
    assert [job.name for job in signed.jobs.order_by("id")] == ["更换机油机滤"]
    assert signed.jobs.filter(payer="customer").count() == 1
    assert [c.text for c in signed.concerns.all()] == ["保养"]


def test_sv17_warranty_line_on_a_car_out_of_warranty_is_refused(crew, car, operations,
                                                                 stocked_part, store_bj, clock):
    """Adding a line paid by the manufacturer checks the warranty by date and by km."""
    import datetime as dt

    from siwei.core.errors import DomainError
    from siwei.service.models import Job
    from siwei.service.services.orders import (
        repair_order_add_job,
        repair_order_add_part,
        repair_order_open,
    )

    customer, vehicle = car
    ro = repair_order_open(actor=crew.advisor, store=store_bj, customer=customer,
                           vehicle=vehicle, category="warranty", mileage=30000,
                           promised_at=clock.now() + dt.timedelta(hours=4),
                           complaints=["车窗升降异响"])
    repair_order_add_job(actor=crew.advisor, repair_order=ro, payer="warranty",
                         operation=operations["brakes"])  # within warranty: accepted
    over_km = repair_order_open(actor=crew.advisor, store=store_bj, customer=customer,
                                vehicle=vehicle, category="warranty", mileage=120000,
                                promised_at=clock.now() + dt.timedelta(hours=4),
                                complaints=["同上"])
    with pytest.raises(DomainError) as err:
        repair_order_add_job(actor=crew.advisor, repair_order=over_km, payer="warranty",
                             operation=operations["brakes"])
    assert err.value.code == "warranty_expired"
    with pytest.raises(DomainError) as err:
        repair_order_add_part(actor=crew.advisor, repair_order=over_km, part=stocked_part,
                              quantity=1, payer="warranty")
    assert err.value.code == "warranty_expired"
    # The customer may still pay for the same work.
    repair_order_add_job(actor=crew.advisor, repair_order=over_km, payer="customer",
                         operation=operations["brakes"])
    assert Job.objects.filter(repair_order=over_km).count() == 1
