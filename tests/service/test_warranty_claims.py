"""SV-17 warranty claims: from the warranty lines of a repair order, within the vehicle's
warranty, through draft → submitted → approved / rejected → paid, with failed parts kept
tagged until the OEM's instruction."""

import datetime as dt
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from siwei.core.errors import DomainError
from siwei.core.models import AuditEvent
from siwei.parts.models import Part
from siwei.service.models import (
    ClaimStatus,
    FailedPartTag,
    Job,
    PartLine,
    RepairOrder,
    TagStatus,
    WarrantyClaim,
)
from siwei.service.selectors_warranty import claim_kpis, ros_awaiting_claim
from siwei.service.services.warranty import (
    claim_approve,
    claim_create_from_repair_order,
    claim_mark_paid,
    claim_reject,
    claim_resubmit,
    claim_submit,
    claim_update,
    failed_part_dispose,
    warranty_check,
)

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def make_ro(vehicle, advisor, *, status="completed", mileage=23000, day=None, lines=True):
    received = dt.datetime.combine(day or dt.date(2026, 11, 22), dt.time(9), tzinfo=TZ)
    ro = RepairOrder.objects.create(
        store=vehicle.store, number=f"RO-W-{next(_numbers):04d}", customer=vehicle.owner,
        vehicle=vehicle, advisor=advisor, category="warranty", status=status, mileage=mileage,
        promised_at=received + dt.timedelta(hours=8), received_at=received,
        diagnosis="节气门体积碳导致怠速不稳")
    ro.concerns.create(text="冷车启动怠速抖动")
    if lines:
        part = Part.objects.get_or_create(
            group=vehicle.store.group, number="06K133062AN",
            defaults={"name": "节气门体", "list_price": Decimal("1380.00"),
                      "warranty_price": Decimal("1100.00")})[0]
        oil = Part.objects.get_or_create(group=vehicle.store.group, number="G052195M4",
                                         defaults={"name": "机油 5W-40"})[0]
        Job.objects.create(repair_order=ro, name="更换节气门体", hours=Decimal("1.50"),
                           rate=Decimal("300.00"), amount=Decimal("450.00"), payer="warranty")
        Job.objects.create(repair_order=ro, name="更换机油机滤", hours=Decimal("0.50"),
                           rate=Decimal("300.00"), amount=Decimal("150.00"), payer="customer")
        PartLine.objects.create(repair_order=ro, part=part, quantity=Decimal("1"),
                                unit_price=Decimal("1100.00"), amount=Decimal("1100.00"),
                                payer="warranty")
        PartLine.objects.create(repair_order=ro, part=oil, quantity=Decimal("4"),
                                unit_price=Decimal("80.00"), amount=Decimal("320.00"),
                                payer="customer")
    return ro


@pytest.fixture
def ro(car, crew):
    _customer, vehicle = car
    return make_ro(vehicle, crew.advisor)


@pytest.fixture
def clerk(staff, store_bj):
    return staff("warranty_clerk", store=store_bj)


def ready(claim, clerk):
    return claim_update(actor=clerk, claim=claim, failure_code="0300-B1")


def test_sv17_claim_from_the_warranty_lines_of_a_repair_order(ro, clerk):
    claim = claim_create_from_repair_order(actor=clerk, repair_order=ro)
    assert claim.number.startswith("WC-BJ01-20261122-")
    assert claim.status == ClaimStatus.DRAFT
    assert (claim.vin, claim.mileage, claim.repair_date) == (
        ro.vehicle.vin, 23000, dt.date(2026, 11, 22))
    assert claim.complaint == "冷车启动怠速抖动" and "积碳" in claim.cause
    assert claim.correction == "更换节气门体"
    assert claim.causal_part.number == "06K133062AN"
    # Only the lines paid by the OEM: 1.5 h × 300 + 1 × 1,100 (oil is the customer's).
    assert claim.labour_hours == Decimal("1.50")
    assert (claim.labour_amount, claim.parts_amount, claim.amount) == (
        Decimal("450.00"), Decimal("1100.00"), Decimal("1550.00"))
    assert [(line.kind, line.description) for line in claim.lines.all()] == [
        ("labour", "更换节气门体"), ("part", "节气门体")]
    tag = FailedPartTag.objects.get(claim=claim)
    assert tag.tag == f"{claim.number}/1" and tag.status == TagStatus.KEPT
    assert AuditEvent.objects.filter(action="warranty.create", object_id=str(claim.pk)).exists()


def test_sv17_one_claim_per_repair_order(ro, clerk):
    first = claim_create_from_repair_order(actor=clerk, repair_order=ro)
    with pytest.raises(DomainError) as exc:
        claim_create_from_repair_order(actor=clerk, repair_order=ro)
    assert exc.value.code == "claim_exists" and exc.value.extra["existing_id"] == first.pk


def test_sv17_refused_when_the_warranty_ended_by_date(ro, clerk):
    ro.vehicle.warranty_end = dt.date(2026, 11, 21)
    ro.vehicle.save()
    with pytest.raises(DomainError) as exc:
        claim_create_from_repair_order(actor=clerk, repair_order=ro)
    assert exc.value.code == "warranty_expired"
    assert not WarrantyClaim.objects.exists()


def test_sv17_refused_when_the_mileage_is_beyond_the_warranty_km(car, crew, clerk):
    _customer, vehicle = car
    assert vehicle.warranty_km == 60000
    ro = make_ro(vehicle, crew.advisor, mileage=60001)
    with pytest.raises(DomainError) as exc:
        claim_create_from_repair_order(actor=clerk, repair_order=ro)
    assert exc.value.code == "warranty_expired"


def test_sv17_warranty_check_for_a_new_warranty_line(car):
    _customer, vehicle = car
    end = vehicle.warranty_end
    warranty_check(vehicle=vehicle, mileage=60000, on_date=end)  # last day, at the limit
    for mileage, on in ((60001, end), (100, end + dt.timedelta(days=1))):
        with pytest.raises(DomainError) as exc:
            warranty_check(vehicle=vehicle, mileage=mileage, on_date=on)
        assert exc.value.code == "warranty_expired"
    vehicle.warranty_end = vehicle.warranty_km = None
    with pytest.raises(DomainError):
        warranty_check(vehicle=vehicle, mileage=10, on_date=end)


def test_sv17_nothing_to_claim_and_work_not_done(car, crew, clerk):
    _customer, vehicle = car
    with pytest.raises(DomainError) as exc:
        claim_create_from_repair_order(actor=clerk,
                                       repair_order=make_ro(vehicle, crew.advisor, lines=False))
    assert exc.value.code == "nothing_to_claim"
    with pytest.raises(DomainError) as exc:
        claim_create_from_repair_order(
            actor=clerk, repair_order=make_ro(vehicle, crew.advisor, status="in_progress"))
    assert exc.value.code == "invalid_transition"


def test_sv17_submit_needs_the_failure_code(ro, clerk):
    claim = claim_create_from_repair_order(actor=clerk, repair_order=ro)
    with pytest.raises(ValidationError) as exc:
        claim_submit(actor=clerk, claim=claim)
    assert "failure_code" in exc.value.message_dict
    claim_submit(actor=clerk, claim=ready(claim, clerk))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED and claim.submissions == 1


def test_sv17_approved_then_paid(ro, clerk, clock):
    claim = ready(claim_create_from_repair_order(actor=clerk, repair_order=ro), clerk)
    claim_submit(actor=clerk, claim=claim)
    with pytest.raises(ValidationError):
        claim_approve(actor=clerk, claim=claim, amount="1600.00")  # more than claimed
    claim_approve(actor=clerk, claim=claim, amount="1500.00")
    assert claim.status == ClaimStatus.APPROVED and claim.approved_amount == Decimal("1500.00")
    with pytest.raises(DomainError) as exc:
        claim_reject(actor=clerk, claim=claim, reason="重复")
    assert exc.value.code == "invalid_transition"
    clock.advance(days=12)
    claim_mark_paid(actor=clerk, claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID and claim.paid_at is not None


def test_sv17_rejected_corrected_and_resubmitted(ro, clerk):
    claim = ready(claim_create_from_repair_order(actor=clerk, repair_order=ro), clerk)
    claim_submit(actor=clerk, claim=claim)
    with pytest.raises(ValidationError):
        claim_reject(actor=clerk, claim=claim, reason=" ")
    claim_reject(actor=clerk, claim=claim, reason="故障代码与维修内容不符")
    assert claim.status == ClaimStatus.REJECTED
    with pytest.raises(DomainError):
        claim_mark_paid(actor=clerk, claim=claim)
    claim_update(actor=clerk, claim=claim, failure_code="0301-C2")
    claim_resubmit(actor=clerk, claim=claim)
    claim.refresh_from_db()
    assert (claim.status, claim.submissions, claim.failure_code) == (
        ClaimStatus.SUBMITTED, 2, "0301-C2")
    with pytest.raises(DomainError):
        claim_update(actor=clerk, claim=claim, cause="x")  # not while at the OEM


def test_sv17_failed_part_kept_until_the_oem_says_return_or_scrap(ro, clerk):
    claim = ready(claim_create_from_repair_order(actor=clerk, repair_order=ro), clerk)
    tag = claim.failed_parts.get()
    with pytest.raises(DomainError):
        failed_part_dispose(actor=clerk, tag=tag, action="return")  # claim still a draft
    claim_submit(actor=clerk, claim=claim)
    with pytest.raises(ValidationError):
        failed_part_dispose(actor=clerk, tag=tag, action="sell")
    failed_part_dispose(actor=clerk, tag=tag, action="return", reference="SF1234567")
    tag.refresh_from_db()
    assert tag.status == TagStatus.RETURNED and tag.reference == "SF1234567"
    with pytest.raises(DomainError) as exc:
        failed_part_dispose(actor=clerk, tag=tag, action="scrap")
    assert exc.value.code == "invalid_transition"


def test_sv17_ros_awaiting_claim(ro, car, crew, clerk, store_bj):
    _customer, vehicle = car
    make_ro(vehicle, crew.advisor, lines=False)
    assert list(ros_awaiting_claim(store=store_bj)) == [ro]
    claim_create_from_repair_order(actor=clerk, repair_order=ro)
    assert not ros_awaiting_claim(store=store_bj).exists()


def answered_claims(vehicle, crew, clerk, clock) -> list:
    """Three claims submitted and answered: the first approved in full and paid 20 days
    later, the second approved for 1,000, the third rejected."""
    claims = [ready(claim_create_from_repair_order(
        actor=clerk, repair_order=make_ro(vehicle, crew.advisor)), clerk) for _ in range(3)]
    for claim in claims:
        claim_submit(actor=clerk, claim=claim)
    claim_approve(actor=clerk, claim=claims[0])
    claim_approve(actor=clerk, claim=claims[1], amount="1000")
    claim_reject(actor=clerk, claim=claims[2], reason="超出保修范围")
    clock.advance(days=20)
    claim_mark_paid(actor=clerk, claim=claims[0])
    return claims


def test_sv17_kpis_approval_rate_and_days_to_payment(car, crew, clerk, store_bj, clock):
    _customer, vehicle = car
    answered_claims(vehicle, crew, clerk, clock)
    kpis = claim_kpis(store=store_bj, start=dt.date(2026, 11, 1), end=dt.date(2026, 12, 31))
    assert kpis["approval_rate"] == pytest.approx(66.7)
    assert (kpis["paid"], kpis["days_to_payment"]) == (1, 20.0)
    assert kpis["receivable"] == Decimal("1000.00")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sv17_two_clerks_racing_for_one_repair_order_have_one_winner(car, crew, staff,
                                                                     store_bj):
    """Four clerks create the claim of the same RO at the same moment."""
    import threading

    from django.db import close_old_connections, connection

    _customer, vehicle = car
    ro = make_ro(vehicle, crew.advisor)
    clerks = [staff("warranty_clerk", store=store_bj) for _ in range(4)]
    barrier = threading.Barrier(len(clerks))
    outcomes: list[str] = []

    def create(clerk):
        try:
            barrier.wait()
            claim_create_from_repair_order(actor=clerk, repair_order=ro)
            outcomes.append("won")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=create, args=(c,)) for c in clerks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["claim_exists"] * 3 + ["won"]
    assert WarrantyClaim.objects.filter(repair_order=ro).count() == 1
    assert FailedPartTag.objects.count() == 1
