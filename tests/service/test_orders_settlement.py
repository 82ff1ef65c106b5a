"""Settlement, payment, gate pass, follow-up, cancel and close (SV-12, SV-15, SV-16, CR-3)."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from siwei.care.models import FollowUp, FollowUpKind
from siwei.core.errors import DomainError
from siwei.finance.services import payment_record
from siwei.service.models import Payer, RepairOrder, ROStatus
from siwei.service.services.orders import (
    repair_order_add_job,
    repair_order_add_part,
    repair_order_cancel,
    repair_order_close,
    repair_order_decline_additional,
    repair_order_issue_parts,
    repair_order_open,
    repair_order_sign,
    repair_orders_close_due,
)
from siwei.service.services.settlement import (
    repair_order_release,
    repair_order_settle,
)
from siwei.service.services.workshop import inspection_record, job_assign, job_finish, job_start

pytestmark = pytest.mark.django_db

SIGNATURE = "data:image/png;base64,iVBORw0KGgo="


def build(crew, store, car, clock, operations, part=None, payer=Payer.CUSTOMER,
          category="maintenance", appointment=None):
    """A signed order: an oil change (150) and, if given, one part."""
    customer, vehicle = car
    ro = repair_order_open(actor=crew.advisor, store=store, customer=customer, vehicle=vehicle,
                           category=category, mileage=12000, complaints=["保养"],
                           promised_at=clock.now() + dt.timedelta(hours=3),
                           appointment=appointment)
    repair_order_add_job(actor=crew.advisor, repair_order=ro, payer=payer,
                         operation=operations["oil"])
    if part is not None:
        repair_order_add_part(actor=crew.advisor, repair_order=ro, part=part, quantity=1,
                              payer=payer)
    repair_order_sign(actor=crew.advisor, repair_order=ro, signed_by_name="周杰",
                      signature=SIGNATURE)
    return RepairOrder.objects.get(pk=ro.pk)


def work(crew, ro, clock, issue=True):
    """Issue the parts, do every job not declined, pass levels 2 and 3."""
    if issue:
        lines = [(line, line.quantity) for line in ro.part_lines.filter(declined=False)]
        if lines:
            repair_order_issue_parts(actor=crew.parts_clerk, repair_order=ro, lines=lines)
    for job in ro.jobs.filter(declined=False):
        job_assign(actor=crew.foreman, job=job, technician=crew.tech1)
        job_start(actor=crew.tech1, job=job)
        clock.advance(minutes=20)
        job_finish(actor=crew.tech1, job=job)
    inspection_record(actor=crew.foreman, repair_order=ro, level=2, passed=True)
    inspection_record(actor=crew.qc, repair_order=ro, level=3, passed=True,
                      wear={"front_pads": 80})
    return RepairOrder.objects.get(pk=ro.pk)


def test_sv15_settle_needs_the_final_inspection(crew, car, store_bj, clock, operations, shifts):
    ro = build(crew, store_bj, car, clock, operations)
    with pytest.raises(DomainError) as refused:
        repair_order_settle(actor=crew.advisor, repair_order=ro)
    assert refused.value.code == "inspection_required"


def test_sv12_settle_refused_while_issued_differs_from_billed(crew, car, store_bj, clock,
                                                              operations, shifts,
                                                              stocked_part):
    ro = work(crew, build(crew, store_bj, car, clock, operations, part=stocked_part), clock,
              issue=False)
    with pytest.raises(DomainError) as refused:
        repair_order_settle(actor=crew.advisor, repair_order=ro)
    assert refused.value.code == "quantity_mismatch"
    line = ro.part_lines.get()
    repair_order_issue_parts(actor=crew.parts_clerk, repair_order=ro, lines=[(line, 1)])
    repair_order_settle(actor=crew.advisor, repair_order=ro)
    ro.refresh_from_db()
    assert ro.status == ROStatus.SETTLED and ro.customer_total == Decimal("238.00")


def test_sv12_parts_issued_from_the_parts_queue_count_at_settlement(
        crew, car, store_bj, clock, operations, shifts, stocked_part):
    from siwei.parts.models import StockRequest
    from siwei.parts.services import stock_request_issue

    ro = build(crew, store_bj, car, clock, operations, part=stocked_part)
    stock_request_issue(actor=crew.parts_clerk, request=StockRequest.objects.get(
        document_id=str(ro.pk)))
    ro = work(crew, ro, clock, issue=False)
    repair_order_settle(actor=crew.advisor, repair_order=ro)
    assert ro.part_lines.get().issued == 1


@pytest.mark.parametrize(("who", "percent", "allowed"), [
    ("advisor", "5", True), ("advisor", "6", False), ("manager", "15", True),
    ("manager", "16", False), ("store_manager", "30", True)])
def test_sv15_discount_within_the_users_limit(crew, car, store_bj, clock, operations, shifts,
                                              who, percent, allowed):
    ro = work(crew, build(crew, store_bj, car, clock, operations), clock)
    actor = getattr(crew, who)
    if not allowed:
        with pytest.raises(DomainError) as refused:
            repair_order_settle(actor=actor, repair_order=ro, discount_percent=Decimal(percent))
        assert refused.value.code == "discount_limit"
        return
    repair_order_settle(actor=actor, repair_order=ro, discount_percent=Decimal(percent))
    ro.refresh_from_db()
    assert ro.customer_total == Decimal("150.00") * (100 - Decimal(percent)) / 100
    assert ro.discount_approved_by == actor


def test_sv15_pending_additional_work_needs_approval_before_settlement(
        crew, car, store_bj, clock, operations, shifts):
    ro = work(crew, build(crew, store_bj, car, clock, operations), clock)
    # Work found at the final inspection, not yet put to the customer.
    RepairOrder.objects.filter(pk=ro.pk).update(status=ROStatus.IN_PROGRESS)
    extra = repair_order_add_job(actor=crew.advisor, repair_order=ro, payer=Payer.CUSTOMER,
                                 operation=operations["brakes"])
    RepairOrder.objects.filter(pk=ro.pk).update(status=ROStatus.INSPECTED)
    with pytest.raises(DomainError) as refused:
        repair_order_settle(actor=crew.advisor, repair_order=ro)
    assert refused.value.code == "approval_required"
    RepairOrder.objects.filter(pk=ro.pk).update(status=ROStatus.IN_PROGRESS)
    repair_order_decline_additional(actor=crew.advisor, repair_order=ro, lines=[extra])
    RepairOrder.objects.filter(pk=ro.pk).update(status=ROStatus.INSPECTED)
    repair_order_settle(actor=crew.advisor, repair_order=ro)


def test_sv15_customer_share_above_the_signed_estimate_needs_reapproval(
        crew, car, store_bj, clock, operations, shifts):
    ro = work(crew, build(crew, store_bj, car, clock, operations), clock)
    ro.jobs.update(amount=Decimal("400.00"))  # the price changed after signature
    with pytest.raises(DomainError) as refused:
        repair_order_settle(actor=crew.advisor, repair_order=ro)
    assert refused.value.code == "approval_required"


def test_sv16_paid_when_the_customer_share_is_paid_then_released(crew, car, store_bj, clock,
                                                                 operations, shifts):
    ro = work(crew, build(crew, store_bj, car, clock, operations), clock)
    repair_order_settle(actor=crew.advisor, repair_order=ro)
    payment_record(actor=crew.cashier, store=store_bj, amount=Decimal("100"), method="cash",
                   repair_order=ro)
    ro.refresh_from_db()
    assert ro.status == ROStatus.SETTLED and ro.paid == 100
    with pytest.raises(DomainError) as refused:
        repair_order_release(actor=crew.advisor, repair_order=ro)
    assert refused.value.code == "payment_incomplete"
    payment_record(actor=crew.cashier, store=store_bj, amount=Decimal("50"), method="wechat",
                   repair_order=ro)
    ro.refresh_from_db()
    assert ro.status == ROStatus.PAID
    repair_order_release(actor=crew.advisor, repair_order=ro)
    ro.refresh_from_db()
    assert ro.status == ROStatus.RELEASED and ro.gate_pass_number == "GP-BJ01-20261122-0001"


def test_sv16_warranty_only_order_is_released_without_payment(crew, car, store_bj, clock,
                                                              operations, shifts):
    ro = work(crew, build(crew, store_bj, car, clock, operations, payer=Payer.WARRANTY,
                          category="warranty"), clock)
    repair_order_settle(actor=crew.advisor, repair_order=ro)
    ro.refresh_from_db()
    assert ro.customer_total == 0 and ro.estimate_total == Decimal("150.00")
    repair_order_release(actor=crew.advisor, repair_order=ro)
    assert RepairOrder.objects.get(pk=ro.pk).status == ROStatus.RELEASED


def test_sv16_release_before_settlement_is_refused(crew, car, store_bj, clock, operations):
    ro = build(crew, store_bj, car, clock, operations)
    with pytest.raises(DomainError) as refused:
        repair_order_release(actor=crew.advisor, repair_order=ro)
    assert refused.value.code == "payment_incomplete"


def _released(crew, store, car, clock, operations, appointment=None):
    ro = work(crew, build(crew, store, car, clock, operations, appointment=appointment), clock)
    repair_order_settle(actor=crew.advisor, repair_order=ro)
    payment_record(actor=crew.cashier, store=store, amount=Decimal("150"), method="cash",
                   repair_order=ro)
    return repair_order_release(actor=crew.advisor, repair_order=ro)


def test_cr3_release_schedules_the_follow_up_call(crew, car, store_bj, clock, operations,
                                                  shifts):
    ro = _released(crew, store_bj, car, clock, operations)
    task = FollowUp.objects.get(kind=FollowUpKind.SERVICE_CALL, source_id=ro.pk)
    assert task.due_at == ro.released_at + dt.timedelta(days=3)
    assert task.assignee_role == "customer_service" and task.customer == ro.customer
    from siwei.service.services.settlement import _follow_up_call

    _follow_up_call(ro, ro.released_at)
    assert FollowUp.objects.filter(kind=FollowUpKind.SERVICE_CALL).count() == 1


def test_sv16_release_marks_the_appointment_done(crew, car, store_bj, clock, operations,
                                                 shifts):
    from siwei.service.models import Appointment

    customer, vehicle = car
    appointment = Appointment.objects.create(
        store=store_bj, number="AP-1", customer=customer, vehicle=vehicle,
        advisor=crew.advisor, start=clock.now(), category="maintenance", estimated_hours=1,
        created_at=clock.now(), status="arrived")
    _released(crew, store_bj, car, clock, operations, appointment=appointment)
    appointment.refresh_from_db()
    assert appointment.status == "done"


def test_sv16_closed_after_the_follow_up_or_seven_days(crew, car, store_bj, clock, operations,
                                                       shifts):
    ro = _released(crew, store_bj, car, clock, operations)
    with pytest.raises(DomainError):
        repair_order_close(actor=crew.advisor, repair_order=ro)
    assert repair_orders_close_due(store=store_bj) == 0
    clock.advance(days=7)
    assert repair_orders_close_due(store=store_bj) == 1
    assert RepairOrder.objects.get(pk=ro.pk).status == ROStatus.CLOSED


def test_sv16_cancel_before_work_withdraws_the_parts_request(crew, car, store_bj, clock,
                                                             operations, stocked_part):
    from siwei.parts.models import StockRequest

    ro = build(crew, store_bj, car, clock, operations, part=stocked_part)
    with pytest.raises(Exception) as no_reason:
        repair_order_cancel(actor=crew.advisor, repair_order=ro, reason=" ")
    assert "reason" in str(no_reason.value)
    repair_order_cancel(actor=crew.advisor, repair_order=ro, reason="客户改天再来")
    ro.refresh_from_db()
    assert ro.status == ROStatus.CANCELLED and ro.cancel_reason == "客户改天再来"
    assert StockRequest.objects.get(document_id=str(ro.pk)).status == "cancelled"


def test_sv16_no_cancel_once_work_started(crew, car, store_bj, clock, operations, shifts):
    ro = build(crew, store_bj, car, clock, operations)
    job = ro.jobs.get()
    job_assign(actor=crew.foreman, job=job, technician=crew.tech1)
    job_start(actor=crew.tech1, job=job)
    with pytest.raises(DomainError) as refused:
        repair_order_cancel(actor=crew.advisor, repair_order=ro, reason="x")
    assert refused.value.code == "invalid_transition"


def test_sv15_bill_lists_payers_recommended_work_wear_and_next_maintenance(
        crew, car, store_bj, clock, operations, shifts, stocked_part):
    from siwei.service.selectors_orders import bill_context

    ro = build(crew, store_bj, car, clock, operations)
    repair_order_add_part(actor=crew.advisor, repair_order=ro, part=stocked_part, quantity=1,
                          payer=Payer.WARRANTY)
    extra = repair_order_add_job(actor=crew.advisor, repair_order=ro, payer=Payer.CUSTOMER,
                                 operation=operations["brakes"], safety_related=True)
    repair_order_decline_additional(actor=crew.advisor, repair_order=ro, lines=[extra],
                                    declined_by_name="周杰", signature=SIGNATURE)
    from siwei.service.services.orders import repair_order_approve_additional

    repair_order_approve_additional(actor=crew.advisor, repair_order=ro,
                                    lines=[ro.part_lines.get()], approved_by_name="周杰",
                                    channel="in_person")
    ro = work(crew, ro, clock)
    repair_order_settle(actor=crew.advisor, repair_order=ro)
    ro.refresh_from_db()
    bill = bill_context(ro)
    assert bill["payer_totals"]["customer"]["total"] == Decimal("150.00")
    assert bill["payer_totals"]["warranty"]["parts"] == Decimal("88.00")
    assert [line.pk for line in bill["recommended"]] == [extra.pk]
    assert bill["wear"] == {"front_pads": 80}
    assert bill["next_due"]["date"] > clock.today() and bill["next_due"]["km"] > 12000


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sv16_two_releases_of_one_order_give_one_gate_pass(crew, car, store_bj, operations,
                                                           shifts):
    from siwei.core import clock as clock_module

    ro = None
    with clock_module.frozen(dt.datetime(2026, 11, 22, 9, 0).astimezone()) as clock:
        ro = work(crew, build(crew, store_bj, car, clock, operations), clock)
        repair_order_settle(actor=crew.advisor, repair_order=ro)
        payment_record(actor=crew.cashier, store=store_bj, amount=Decimal("150"),
                       method="cash", repair_order=ro)
    results: list = []
    barrier = threading.Barrier(2)

    def release():
        try:
            barrier.wait()
            repair_order_release(actor=crew.advisor, repair_order=ro)
            results.append("ok")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=release) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["invalid_transition", "ok"]
    assert FollowUp.objects.filter(kind=FollowUpKind.SERVICE_CALL, source_id=ro.pk).count() == 1


def test_demo_orders_settle_release_past_inspected_orders(crew, car, store_bj, clock,
                                                          operations, shifts):
    import random

    from siwei.demo.builder import DemoContext
    from siwei.service.demo_orders import build_orders

    ro = work(crew, build(crew, store_bj, car, clock, operations), clock)
    clock.advance(days=1)
    build_orders(DemoContext(rng=random.Random(1), small=True, stores=[store_bj]))
    ro.refresh_from_db()
    assert ro.status == ROStatus.RELEASED and ro.paid == ro.customer_total
    assert ro.released_at < clock.now()
