"""FN-10 "every list exports to .xlsx" (quality.md, personal data): mobile numbers are
masked in exports for users without core.view_personal_data, and an export of personal
data writes an audit event."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from siwei.core.exports import XLSX_CONTENT_TYPE
from siwei.core.models import AuditEvent
from siwei.crm.models import Customer, Vehicle
from siwei.finance.models import Payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def vehicle(store_bj, store_sh):
    owner = Customer.objects.create(store=store_bj, group=store_bj.group, name="王建国",
                                    mobile="13912345678")
    other = Customer.objects.create(store=store_sh, group=store_sh.group, name="李秀英",
                                    mobile="13698765432")
    Vehicle.objects.create(store=store_sh, vin="LSVAB2BM0MN000002", plate="沪A12345",
                           owner=other)
    return Vehicle.objects.create(store=store_bj, vin="LSVAB2BM0MN000001", plate="京A12345",
                                  owner=owner)


def _rows(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_fn10_vehicles_xlsx_masks_mobiles_without_personal_data_permission(
        client, staff, store_bj, vehicle, django_assert_max_num_queries):
    technician = staff("technician", store=store_bj)
    client.force_login(technician)
    with django_assert_max_num_queries(15):
        rows = _rows(client.get(reverse("reports:export-list", args=["vehicles"])))
    assert len(rows) == 2  # header and BJ01's one vehicle, not SH01's
    assert rows[1][0] == "LSVAB2BM0MN000001" and rows[1][5] == "139****5678"
    event = AuditEvent.objects.get(action="list.export")
    assert (event.actor, event.store, event.object_type) == (technician, store_bj, "vehicles")


def test_fn10_vehicles_xlsx_full_mobiles_with_personal_data_permission(
        client, staff, store_bj, vehicle):
    advisor = staff("service_advisor", store=store_bj)
    client.force_login(advisor)
    rows = _rows(client.get(reverse("reports:export-list", args=["vehicles"])))
    assert rows[1][5] == "13912345678"
    assert AuditEvent.objects.filter(action="list.export", actor=advisor).exists()


def test_fn10_payments_xlsx_for_the_cashier_and_403_without_permission(
        client, staff, store_bj, clock):
    cashier = staff("cashier", store=store_bj)
    Payment.objects.create(store=store_bj, receipt_number="SK-BJ01-0001", kind="deposit",
                           method="cash", amount=Decimal("5000.00"), cashier=cashier,
                           at=dt.datetime(2026, 11, 22, 1, 0, tzinfo=dt.UTC))
    client.force_login(cashier)
    rows = _rows(client.get(reverse("reports:export-list", args=["payments"])))
    assert rows[1][0] == "SK-BJ01-0001" and rows[1][4] == 5000
    assert rows[1][1] == dt.datetime(2026, 11, 22, 9, 0)  # local time
    client.force_login(staff("technician", store=store_bj))
    assert client.get(reverse("reports:export-list", args=["payments"])).status_code == 403
    assert client.get(reverse("reports:export-list", args=["nothing"])).status_code == 404


def test_fn10_lists_page_offers_the_lists_of_the_role(client, staff, store_bj):
    client.force_login(staff("cashier", store=store_bj))
    page = client.get(reverse("reports:export-lists")).content.decode()
    assert reverse("reports:export-list", args=["payments"]) in page
    assert reverse("reports:export-list", args=["showroom-visits"]) not in page


def test_fn10_customer_list_xlsx_masks_mobiles_and_is_audited(client, staff, store_bj,
                                                              vehicle):
    cashier = staff("cashier", store=store_bj)  # sees customers, not personal data
    client.force_login(cashier)
    rows = _rows(client.get(reverse("crm:customers") + "?format=xlsx"))
    assert rows[1][:2] == ["王建国", "139****5678"]
    assert AuditEvent.objects.filter(action="customer.export", actor=cashier).exists()
