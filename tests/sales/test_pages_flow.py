"""The sale as people do it on the pages: consultant, cashier, manager (issue "Done when")."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from siwei.care.models import FollowUp
from siwei.crm.models import Customer, Lead
from siwei.sales.models import OrderStatus, SalesOrder
from siwei.sales.services.delivery import CHECKLIST

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_sale_from_customer_to_delivery_through_the_pages(team, store_bj, catalogue, stock):
    consultant, cashier = login(team.consultant), login(team.cashier)
    vehicle = stock(801)
    # The consultant creates the customer; a second one with the same mobile is stopped
    # with a link to the existing customer.
    response = consultant.post("/crm/customers/new/", {
        "kind": "person", "name": "林静", "mobile": "139 1000 2000", "consent_sms": "on"})
    assert response.status_code == 302
    customer = Customer.objects.get(mobile="13910002000")
    again = consultant.post("/crm/customers/new/", {"kind": "person", "name": "林静静",
                                                    "mobile": "13910002000"})
    assert again.status_code == 200 and 'id="duplicate"' in again.content.decode()
    assert f"/crm/customers/{customer.pk}/" in again.content.decode()
    # Lead, then a logged call that raises the grade.
    response = consultant.post(f"/crm/customers/{customer.pk}/leads/new/", {
        "source": "walk_in", "grade": "A", "models": [catalogue["model"].pk],
        "note": "看中朗逸"})
    lead = Lead.objects.get(customer=customer)
    assert response.status_code == 302 and response["Location"] == f"/crm/leads/{lead.pk}/"
    consultant.post(f"/crm/leads/{lead.pk}/", {"type": "call", "content": "约周六签单",
                                              "grade": "H"})
    lead.refresh_from_db()
    assert lead.grade == "H" and lead.contact_count == 2
    # Quote with an accessory, from the lead.
    form = consultant.get(f"/sales/orders/new/?lead={lead.pk}")
    assert form.status_code == 200
    response = consultant.post(f"/sales/orders/new/?lead={lead.pk}", {
        "model": catalogue["model"].pk, "trim": catalogue["trim"].pk, "colour": "白色",
        "vehicle_price": "118000.00", "registration_fee": "800", "insurance_premium": "0",
        "insurance_commission": "0", "loan_amount": "0", "loan_term_months": "0",
        "finance_fee": "0", "finance_commission": "0", "trade_in_valuation": "0",
        "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000", "lines-0-description": "脚垫", "lines-0-quantity": "1",
        "lines-0-unit_price": "500", "lines-0-unit_cost": "150", "lines-0-install": "none",
        "lines-1-description": "", "lines-1-quantity": "1", "lines-1-unit_price": "0",
        "lines-1-unit_cost": "0", "lines-1-install": "none"})
    order = SalesOrder.objects.get(customer=customer)
    assert response.status_code == 302 and order.total == 118000 + 500 + 800
    page = f"/sales/orders/{order.pk}/"
    action = f"/sales/orders/{order.pk}/action/"
    # Confirming before the deposit is refused with the reason on the page.
    refused = consultant.post(action, {"action": "confirm"}, follow=True)
    assert "定金" in refused.content.decode() or "deposit" in refused.content.decode()
    # The consultant may not take money; the cashier records the deposit.
    assert consultant.post(action, {"action": "pay", "amount": "5000", "method": "cash"}
                           ).status_code == 403
    cashier.post(action, {"action": "pay", "amount": "5000", "method": "wechat"})
    consultant.post(action, {"action": "confirm"})
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    detail = consultant.get(page).content.decode()
    assert vehicle.vin[-6:] in detail  # the free VIN is offered
    consultant.post(action, {"action": "allocate", "stock_vehicle": vehicle.pk})
    cashier.post(action, {"action": "pay", "amount": str(order.total - 5000),
                          "method": "transfer", "reference": "BANK-1"})
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    cashier.post(action, {"action": "release_certificate"})
    order.refresh_from_db()
    assert order.status == OrderStatus.CERTIFICATE_RELEASED
    # Delivery without a signature is refused; with it the car is handed over.
    data = {f"check_{key}": "on" for key, _label in CHECKLIST}
    data.update(keys_count="2", mileage="10", signature="")
    assert consultant.post(f"/sales/orders/{order.pk}/deliver/", data).status_code == 200
    data["signature"] = "data:image/png;base64,iVBORw0KGgo="
    response = consultant.post(f"/sales/orders/{order.pk}/deliver/", data)
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    # The customer card tells the whole story, with the follow-ups due.
    card = consultant.get(f"/crm/customers/{customer.pk}/").content.decode()
    assert vehicle.vin in card and order.number in card and "约周六签单" in card
    assert FollowUp.objects.filter(customer=customer).count() >= 9
    assert 'id="follow-ups"' in card
    cashier_card = login(team.manager).get(f"/crm/customers/{customer.pk}/").content.decode()
    assert "13910002000" in cashier_card


def test_global_search_opens_the_single_customer(team, store_bj, buyer):
    customer, _lead = buyer
    response = login(team.consultant).get("/crm/search/?q=2222")
    assert response.status_code == 302 and response["Location"] == \
        f"/crm/customers/{customer.pk}/"
    page = login(team.consultant).get("/").content.decode()
    assert 'action="/crm/search/"' in page  # the search box on every page


def test_search_finds_orders_by_number(team, store_bj, buyer, catalogue):
    from decimal import Decimal

    from siwei.sales.services import order_create

    customer, lead = buyer
    order = order_create(actor=team.consultant, store=store_bj, customer=customer, lead=lead,
                         model=catalogue["model"], trim=catalogue["trim"],
                         vehicle_price=Decimal("118000"))
    response = login(team.cashier).get(f"/crm/search/?q={order.number}")
    assert response.status_code == 302 and response["Location"] == f"/sales/orders/{order.pk}/"


def test_consultant_home_shows_due_and_overdue_follow_ups(team, store_bj, buyer, clock):
    customer, _lead = buyer
    clock.advance(days=5)  # an H lead is due every 2 days: now overdue
    home = login(team.consultant).get("/").content.decode()
    assert 'id="card-overdue"' in home and customer.name in home
    assert 'id="card-grades"' in home


def test_lost_lead_needs_the_managers_approval_on_the_pages(team, store_bj, buyer):
    _customer, lead = buyer
    consultant, manager = login(team.consultant), login(team.manager)
    consultant.post(f"/crm/leads/{lead.pk}/lose/", {"reason": "price"})
    lead.refresh_from_db()
    assert lead.status == "loss_requested"
    assert consultant.post(f"/crm/leads/{lead.pk}/decide-loss/",
                           {"decision": "approve"}).status_code == 403
    queue = manager.get("/crm/leads/?view=approval").content.decode()
    assert lead.customer.name in queue
    manager.post(f"/crm/leads/{lead.pk}/decide-loss/", {"decision": "approve"})
    lead.refresh_from_db()
    assert lead.status == "lost"


def test_stock_balance_and_certificates_pages(team, store_bj, stock):
    stock(901)
    stock(902, floor_plan_bank="工商银行")
    manager = login(team.manager)
    balance = manager.get("/sales/stock/balance/?from=2026-10-01&to=2026-11-22")
    assert balance.status_code == 200 and 'id="balance"' in balance.content.decode()
    xlsx = manager.get("/sales/stock/balance/?from=2026-10-01&to=2026-11-22&format=xlsx",
                       follow=True)  # the report catalogue's download (FN-7)
    assert xlsx.redirect_chain[0][0].startswith("/reports/view/vehicle-stock/")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(xlsx.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows[0]) == 13  # model, trim, colour, the movements and the age buckets
    assert rows[1][2:7] == ("白色", 0, 2, 0, 2) and rows[-1][3:7] == (0, 2, 0, 2)
    certificates = manager.get("/sales/certificates/").content.decode()
    assert "工商银行" in certificates
    stock_page = manager.get("/sales/stock/?format=xlsx")
    assert stock_page.status_code == 200


def test_pages_refuse_other_roles(team, store_bj, staff):
    technician = login(staff("technician", store=store_bj))
    for url in ("/crm/customers/", "/sales/orders/", "/sales/cashier/", "/crm/leads/"):
        assert technician.get(url).status_code == 403, url


def test_cs6_cs16_store_settings_change_intervals_and_limits(team, store_bj, buyer, clock):
    from siwei.crm.services import lead_log_activity

    manager = login(team.manager)
    data = {"consultant_discount_limit": "5000", "manager_discount_limit": "20000",
            "o_grade_deposit": "5000", "interval_O": "7", "interval_H": "1",
            "interval_A": "7", "interval_B": "15", "interval_C": "30"}
    assert manager.post("/sales/settings/", data).status_code == 302
    _customer, lead = buyer
    lead_log_activity(actor=team.consultant, lead=lead, type="call", content="x")
    lead.refresh_from_db()
    assert lead.next_follow_up_at == lead.last_contact_at + timedelta(days=1)
    bad = manager.post("/sales/settings/", {**data, "consultant_discount_limit": "30000"})
    assert bad.status_code == 200 and "consultant_discount_limit" in bad.content.decode()
    assert login(team.consultant).get("/sales/settings/").status_code == 403


def test_cs18_delivery_photo_is_kept_and_checked(team, store_bj, buyer, catalogue, stock,
                                                 tmp_path, settings):
    """The handover photo is stored; a file that is not an image is refused at the field."""
    from decimal import Decimal
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from siwei.finance.services import payment_record
    from siwei.sales.services import (
        order_allocate,
        order_confirm,
        order_create,
        order_release_certificate,
    )

    settings.MEDIA_ROOT = tmp_path
    customer, lead = buyer
    order = order_create(actor=team.consultant, store=store_bj, customer=customer, lead=lead,
                         model=catalogue["model"], trim=catalogue["trim"],
                         vehicle_price=Decimal("118000"))
    payment_record(actor=team.cashier, store=store_bj, sales_order=order, amount=order.total,
                   method="transfer")
    order_confirm(actor=team.consultant, order=order)
    order_allocate(actor=team.consultant, order=order, stock_vehicle=stock(851))
    order_release_certificate(actor=team.cashier, order=order)
    data = {f"check_{key}": "on" for key, _label in CHECKLIST}
    data.update(keys_count="2", mileage="5", signature="data:image/png;base64,iVBORw0KGgo=")
    client = login(team.consultant)
    fake = SimpleUploadedFile("car.jpg", b"not an image at all", content_type="image/jpeg")
    refused = client.post(f"/sales/orders/{order.pk}/deliver/", {**data, "photo": fake})
    assert refused.status_code == 200 and "photo" in refused.context["form"].errors
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "JPEG")
    photo = SimpleUploadedFile("car.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = client.post(f"/sales/orders/{order.pk}/deliver/", {**data, "photo": photo})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.delivery.photo.name.endswith(".jpg") and order.status == OrderStatus.DELIVERED
