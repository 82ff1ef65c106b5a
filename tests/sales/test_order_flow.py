"""CS-13 … CS-19 and FN-1: from quote to delivery, with every refusal."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection

from siwei.care.models import FollowUp, FollowUpKind
from siwei.core.errors import DomainError
from siwei.crm.models import CustomerCategory, LeadStatus, Vehicle
from siwei.finance.services import payment_record
from siwei.sales.models import CertificateStatus, OrderStatus, StockStatus
from siwei.sales.services import (
    certificate_move,
    order_allocate,
    order_approve_discount,
    order_cancel,
    order_confirm,
    order_create,
    order_deliver,
    order_release_certificate,
    order_update,
)
from siwei.sales.services.delivery import CHECKLIST

pytestmark = pytest.mark.django_db

FULL_CHECKLIST = {key: True for key, _label in CHECKLIST}


def quote(team, store, buyer, catalogue, price="118000.00", lines=None):
    customer, lead = buyer
    return order_create(actor=team.consultant, store=store, customer=customer, lead=lead,
                        model=catalogue["model"], trim=catalogue["trim"], colour="白色",
                        vehicle_price=Decimal(price), lines=lines,
                        registration_fee=Decimal("800.00"))


def test_cs16_totals_and_gross_profit(team, store_bj, buyer, catalogue, stock):
    order = quote(team, store_bj, buyer, catalogue, lines=[
        {"description": "脚垫", "quantity": 1, "unit_price": Decimal("600"),
         "unit_cost": Decimal("200")},
        {"description": "行车记录仪", "quantity": 1, "unit_price": Decimal("0"),
         "unit_cost": Decimal("300"), "is_gift": True, "install": "pre"},
    ])
    assert order.number.startswith("SO-BJ01-")
    assert order.total == Decimal("118000.00") + Decimal("600") + Decimal("800.00")
    # Purchase tax: 10% of the tax-exclusive price 118000 / 1.13.
    assert order.purchase_tax_estimate == Decimal("10442.48")
    payment_record(actor=team.cashier, store=store_bj, sales_order=order, amount=Decimal("5000"),
                   method="wechat")
    order_confirm(actor=team.consultant, order=order)
    order = order_allocate(actor=team.consultant, order=order, stock_vehicle=stock(1))
    # 118000 − 105000 + (600 − 200) − 300 gift + 800 registration fee
    assert order.gross_profit == Decimal("13900.00")


def test_cs16_discount_above_consultant_limit_needs_a_manager(team, store_bj, buyer, catalogue):
    order = quote(team, store_bj, buyer, catalogue, price="110000.00")  # 10000 off MSRP
    payment_record(actor=team.cashier, store=store_bj, sales_order=order, amount=Decimal("5000"),
                   method="cash")
    with pytest.raises(DomainError) as err:
        order_confirm(actor=team.consultant, order=order)
    assert err.value.code == "discount_limit"
    order_update(actor=team.consultant, order=order, vehicle_price=Decimal("105000.00"))
    with pytest.raises(DomainError) as err:  # 15000 is above the sales manager's 10000 too
        order_approve_discount(actor=team.manager, order=order)
    assert err.value.code == "discount_limit"
    order_approve_discount(actor=team.store_manager, order=order)
    assert order_confirm(actor=team.consultant, order=order).status == OrderStatus.CONFIRMED
    # Changing the price again drops the approval.
    with pytest.raises(DomainError) as err:
        order_approve_discount(actor=team.consultant, order=order)
    assert err.value.code in {"discount_limit", "approval_required"}


def test_cs17_confirm_needs_a_deposit_and_makes_the_lead_grade_o(team, store_bj, buyer,
                                                                  catalogue):
    order = quote(team, store_bj, buyer, catalogue)
    with pytest.raises(DomainError) as err:
        order_confirm(actor=team.consultant, order=order)
    assert err.value.code == "payment_incomplete"
    payment_record(actor=team.cashier, store=store_bj, sales_order=order, amount=Decimal("5000"),
                   method="card", reference="POS-001")
    order = order_confirm(actor=team.consultant, order=order)
    assert order.status == OrderStatus.CONFIRMED
    buyer[1].refresh_from_db()
    assert buyer[1].grade == "O"


def test_cs17_one_vin_one_order(team, store_bj, buyer, catalogue, stock, staff):
    from siwei.crm.services import customer_create

    vehicle = stock(2)
    first = quote(team, store_bj, buyer, catalogue)
    other_customer = customer_create(actor=team.consultant, store=store_bj, name="李雷",
                                     mobile="13933334444")
    second = order_create(actor=team.consultant, store=store_bj, customer=other_customer,
                          model=catalogue["model"], trim=catalogue["trim"],
                          vehicle_price=Decimal("118000"))
    for order in (first, second):
        payment_record(actor=team.cashier, store=store_bj, sales_order=order,
                       amount=Decimal("5000"), method="cash")
        order_confirm(actor=team.consultant, order=order)
    order_allocate(actor=team.consultant, order=first, stock_vehicle=vehicle)
    with pytest.raises(DomainError) as err:
        order_allocate(actor=team.consultant, order=second, stock_vehicle=vehicle)
    assert err.value.code == "vehicle_unavailable"
    vehicle.refresh_from_db()
    assert vehicle.status == StockStatus.ALLOCATED


def test_cs15_certificate_released_only_after_full_payment(team, store_bj, buyer, catalogue,
                                                           stock):
    order = quote(team, store_bj, buyer, catalogue)
    payment_record(actor=team.cashier, store=store_bj, sales_order=order, amount=Decimal("5000"),
                   method="cash")
    order_confirm(actor=team.consultant, order=order)
    order = order_allocate(actor=team.consultant, order=order, stock_vehicle=stock(3))
    with pytest.raises(DomainError) as err:
        order_release_certificate(actor=team.cashier, order=order)
    assert err.value.code == "payment_incomplete"
    rest = order.total - order.paid
    payment = payment_record(actor=team.cashier, store=store_bj, sales_order=order, amount=rest,
                             method="transfer", reference="BANK-778")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    with pytest.raises(PermissionDenied):  # a consultant may not release it
        order_release_certificate(actor=team.consultant, order=order)
    order = order_release_certificate(actor=team.cashier, order=order)
    assert order.status == OrderStatus.CERTIFICATE_RELEASED
    move = order.stock_vehicle.certificate_moves.get(to_status=CertificateStatus.RELEASED)
    assert payment.receipt_number in move.payment_proof and move.to_whom == "陈明"


def test_cs15_pledged_certificate_must_come_back_from_the_bank(team, store_bj, buyer, catalogue,
                                                              stock):
    vehicle = stock(4, floor_plan_bank="工商银行", pledge_date=dt.date(2026, 10, 2))
    assert vehicle.certificate_status == CertificateStatus.PLEDGED
    order = quote(team, store_bj, buyer, catalogue)
    payment_record(actor=team.cashier, store=store_bj, sales_order=order, amount=order.total,
                   method="transfer")
    order_confirm(actor=team.consultant, order=order)
    order = order_allocate(actor=team.consultant, order=order, stock_vehicle=vehicle)
    assert order.status == OrderStatus.PAID
    with pytest.raises(DomainError) as err:
        order_release_certificate(actor=team.cashier, order=order)
    assert err.value.code == "invalid_transition"
    certificate_move(actor=team.manager, vehicle=vehicle, to_status=CertificateStatus.IN_SAFE,
                     reason="赎证")
    assert order_release_certificate(actor=team.cashier, order=order).status == \
        OrderStatus.CERTIFICATE_RELEASED


def test_cs15_lending_a_certificate_needs_reason_and_due_date(team, stock):
    vehicle = stock(5)
    with pytest.raises(ValidationError):
        certificate_move(actor=team.manager, vehicle=vehicle, to_status=CertificateStatus.LENT)
    with pytest.raises(PermissionDenied):
        certificate_move(actor=team.consultant, vehicle=vehicle, to_status=CertificateStatus.LENT,
                         to_whom="车管所", reason="上牌", due_back=dt.date(2026, 12, 1))
    certificate_move(actor=team.manager, vehicle=vehicle, to_status=CertificateStatus.LENT,
                     to_whom="车管所", reason="上牌", due_back=dt.date(2026, 12, 1))
    with pytest.raises(DomainError) as err:  # released only through an order
        certificate_move(actor=team.manager, vehicle=vehicle,
                         to_status=CertificateStatus.RELEASED)
    assert err.value.code == "invalid_transition"


def test_cs18_delivery_makes_an_owner_and_schedules_cr2_follow_ups(team, store_bj, buyer,
                                                                  catalogue, stock, clock):
    customer, lead = buyer
    order = quote(team, store_bj, buyer, catalogue, lines=[
        {"description": "贴膜", "quantity": 1, "unit_price": Decimal("2000"),
         "unit_cost": Decimal("800"), "install": "pre"}])
    payment_record(actor=team.cashier, store=store_bj, sales_order=order, amount=order.total,
                   method="transfer")
    order_confirm(actor=team.consultant, order=order)
    order = order_allocate(actor=team.consultant, order=order, stock_vehicle=stock(6))
    with pytest.raises(DomainError) as err:
        order_deliver(actor=team.consultant, order=order, checklist=FULL_CHECKLIST,
                      signature="data:image/png;base64,AAA")
    assert err.value.code == "invalid_transition"  # certificate not released yet
    order = order_release_certificate(actor=team.cashier, order=order)
    with pytest.raises(ValidationError) as verr:
        order_deliver(actor=team.consultant, order=order,
                      checklist={**FULL_CHECKLIST, "pdi_passed": False}, signature="x")
    assert "checklist" in verr.value.message_dict
    with pytest.raises(DomainError) as err:  # the pre-install accessory is not fitted
        order_deliver(actor=team.consultant, order=order, checklist=FULL_CHECKLIST,
                      signature="data:image/png;base64,AAA")
    order.lines.update(installed=True)
    with pytest.raises(ValidationError):
        order_deliver(actor=team.consultant, order=order, checklist=FULL_CHECKLIST, signature="")
    order_deliver(actor=team.consultant, order=order, checklist=FULL_CHECKLIST,
                  signature="data:image/png;base64,AAA", mileage=12)
    order.refresh_from_db()
    customer.refresh_from_db()
    lead.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert lead.status == LeadStatus.WON
    assert customer.category == CustomerCategory.OWNER_NEW
    vehicle = Vehicle.objects.get(vin=order.stock_vehicle.vin)
    assert vehicle.owner == customer and vehicle.selling_store == store_bj
    assert vehicle.warranty_start == clock.today() and vehicle.last_km == 12
    kinds = list(FollowUp.objects.filter(customer=customer).values_list("kind", flat=True))
    assert kinds.count(FollowUpKind.SALE_BIMONTHLY) == 6
    for kind in (FollowUpKind.SALE_THANKS, FollowUpKind.SALE_FIRST_CALL,
                 FollowUpKind.SALE_SECOND_CALL, FollowUpKind.PURCHASE_ANNIVERSARY,
                 FollowUpKind.BIRTHDAY):
        assert kind in kinds
    first_call = FollowUp.objects.get(customer=customer, kind=FollowUpKind.SALE_FIRST_CALL)
    assert first_call.assignee == team.manager
    assert first_call.due_at == clock.now() + dt.timedelta(hours=24)


def test_cs17_cancel_frees_the_vin_and_needs_refund_or_forfeit(team, store_bj, buyer, catalogue,
                                                              stock):
    vehicle = stock(7)
    order = quote(team, store_bj, buyer, catalogue)
    payment_record(actor=team.cashier, store=store_bj, sales_order=order, amount=Decimal("5000"),
                   method="cash")
    order_confirm(actor=team.consultant, order=order)
    order_allocate(actor=team.consultant, order=order, stock_vehicle=vehicle)
    with pytest.raises(DomainError) as err:
        order_cancel(actor=team.consultant, order=order, reason="客户放弃")
    assert err.value.code == "payment_incomplete"
    with pytest.raises(DomainError) as err:  # FN-1: a refund needs a manager
        payment_record(actor=team.cashier, store=store_bj, sales_order=order,
                       amount=Decimal("-5000"), method="cash")
    assert err.value.code == "approval_required"
    refund = payment_record(actor=team.manager, store=store_bj, sales_order=order,
                            amount=Decimal("-5000"), method="cash")
    assert refund.kind == "refund" and refund.approved_by == team.manager
    order = order_cancel(actor=team.consultant, order=order, reason="客户放弃")
    vehicle.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and vehicle.status == StockStatus.IN_STOCK
    with pytest.raises(DomainError) as err:
        order_cancel(actor=team.consultant, order=order, reason="again")
    assert err.value.code == "invalid_transition"


def test_fn1_payment_validation_names_the_field(team, store_bj, buyer, catalogue):
    order = quote(team, store_bj, buyer, catalogue)
    with pytest.raises(ValidationError) as err:
        payment_record(actor=team.cashier, store=store_bj, sales_order=order, amount=Decimal("0"),
                       method="cash")
    assert "amount" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        payment_record(actor=team.cashier, store=store_bj, sales_order=order,
                       amount=Decimal("10"), method="bitcoin")
    assert "method" in err.value.message_dict


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cs17_two_orders_racing_for_one_vin_have_one_winner(staff, store_bj, group):
    """Two consultants allocate the same VIN at the same moment on separate connections."""
    from siwei.crm.services import customer_create
    from siwei.sales.services import stock_vehicle_create
    from tests.sales_factories import make_model, make_vin

    consultant = staff("sales_consultant", store=store_bj)
    manager = staff("sales_manager", store=store_bj)
    cashier = staff("cashier", store=store_bj)
    model, trim = make_model(group)
    vehicle = stock_vehicle_create(actor=manager, store=store_bj, vin=make_vin(99), model=model,
                                   trim=trim, colour="黑色", cost=Decimal("100000"),
                                   msrp=Decimal("120000"))
    orders = []
    for i in range(4):
        customer = customer_create(actor=consultant, store=store_bj, name=f"客户{i}",
                                   mobile=f"1370000000{i}")
        order = order_create(actor=consultant, store=store_bj, customer=customer, model=model,
                             trim=trim, vehicle_price=Decimal("118000"))
        payment_record(actor=cashier, store=store_bj, sales_order=order, amount=Decimal("5000"),
                       method="cash")
        orders.append(order_confirm(actor=consultant, order=order))
    barrier = threading.Barrier(len(orders))
    outcomes: list[str] = []

    def allocate(order):
        try:
            barrier.wait()
            order_allocate(actor=consultant, order=order, stock_vehicle=vehicle)
            outcomes.append("won")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=allocate, args=(o,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["vehicle_unavailable"] * 3 + ["won"]
    from siwei.sales.models import SalesOrder

    assert SalesOrder.objects.filter(stock_vehicle=vehicle).count() == 1
