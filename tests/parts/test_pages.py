"""Pages of the parts clerk and manager: permissions, store scoping, one-click issue,
receiving, stocktake entry, analysis charts, .xlsx downloads and labels."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from siwei.core.exports import XLSX_CONTENT_TYPE
from siwei.parts.models import PartStore, POStatus, RequestStatus, StocktakeStatus
from siwei.parts.services import (
    purchase_order_create,
    purchase_order_send,
    stock_request_create,
    stocktake_create,
)

from .conftest import make_location

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager(staff, store_bj):
    return staff("parts_manager", store=store_bj)


@pytest.fixture
def clerk(staff, store_bj):
    return staff("parts_clerk", store=store_bj)


LIST_PAGES = ["/parts/", "/parts/queue/", "/parts/orders/", "/parts/transfers/",
              "/parts/stocktakes/", "/parts/moves/", "/parts/analysis/"]


@pytest.mark.parametrize("url", LIST_PAGES)
def test_pages_render_for_the_parts_manager_with_an_xlsx_download(manager, store_bj, part,
                                                                  shelf, stock_in, clock, url):
    stock_in(store_bj, part, 4, "40.00", shelf)
    client = login(manager)
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "<script>" not in content  # the CSP forbids inline scripts
    if url not in ("/parts/transfers/", "/parts/stocktakes/"):
        download = client.get(url, {"format": "xlsx"}, follow=True)
        assert download.status_code == 200 and download["Content-Type"] == XLSX_CONTENT_TYPE
        if url == "/parts/analysis/":  # the report catalogue's download (FN-7)
            assert download.redirect_chain[0][0].startswith("/reports/view/parts-analysis/")


def test_pages_check_permissions(staff, store_bj, clerk):
    technician = staff("technician", store=store_bj)
    assert login(technician).get("/parts/").status_code == 200
    assert login(technician).get("/parts/moves/").status_code == 403
    assert login(clerk).get("/parts/analysis/").status_code == 403
    assert login(clerk).get("/parts/orders/new/").status_code == 403
    assert Client().get("/parts/").status_code == 302  # login first


def test_pt1_stock_lookup_finds_by_pinyin_and_shows_other_stores_when_short(
        clerk, store_bj, store_sh, part, stock_in, clock):
    stock_in(store_sh, part, 3, "40.00", make_location(store_sh, "S-01-1"))
    content = login(clerk).get("/parts/", {"q": "jylq"}).content.decode()
    assert "06L115562B" in content and "SH01: 3" in content


def test_pt10_clerk_issues_a_request_in_one_click(clerk, store_bj, part, shelf, stock_in,
                                                  clock):
    stock_in(store_bj, part, 4, "40.00", shelf)
    request = stock_request_create(actor=None, store=store_bj, part=part, quantity=3,
                                   document_type="service.repairorder", document_id="RO-1")
    client = login(clerk)
    assert "RO-1" in client.get("/parts/queue/").content.decode()
    response = client.post(f"/parts/queue/{request.pk}/issue/", follow=True)
    assert "A-01-1" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.ISSUED
    assert PartStore.objects.get(part=part).on_hand == 1


def test_pt10_request_of_another_store_is_not_found(clerk, store_sh, part, clock):
    request = stock_request_create(actor=None, store=store_sh, part=part, quantity=1,
                                   document_type="service.repairorder", document_id="X")
    assert login(clerk).post(f"/parts/queue/{request.pk}/issue/").status_code == 404


def test_pt8_receiving_screen_receives_and_reports_over_receipt(manager, store_bj, supplier,
                                                               part, shelf, clock):
    order = purchase_order_create(actor=None, store=store_bj, supplier=supplier,
                                  lines=[{"part": part, "quantity": 5}])
    purchase_order_send(actor=None, order=order)
    line = order.lines.get()
    client = login(manager)
    over = client.post(f"/parts/orders/{order.pk}/", {f"accepted_{line.pk}": "6",
                                                      f"location_{line.pk}": shelf.pk},
                       follow=True)
    assert "outstanding" in over.content.decode() or "未到" in over.content.decode()
    client.post(f"/parts/orders/{order.pk}/", {f"accepted_{line.pk}": "5",
                                               f"location_{line.pk}": shelf.pk})
    order.refresh_from_db()
    assert order.status == POStatus.RECEIVED
    client.post(f"/parts/orders/{order.pk}/close/")
    order.refresh_from_db()
    assert order.status == POStatus.CLOSED


def test_pt7_new_purchase_order_from_lines_of_text(manager, store_bj, supplier, part, clock):
    client = login(manager)
    bad = client.post("/parts/orders/new/", {"supplier": supplier.pk, "kind": "stock",
                                             "lines": "NOPE 2"})
    assert bad.status_code == 200 and "NOPE" in bad.content.decode()
    response = client.post("/parts/orders/new/", {"supplier": supplier.pk, "kind": "stock",
                                                  "lines": f"{part.number} 12 41.5"})
    assert response.status_code == 302
    line = part.__class__.objects.get(pk=part.pk)
    from siwei.parts.models import PurchaseOrderLine

    assert PurchaseOrderLine.objects.get(part=line).price == Decimal("41.50")


def test_pt12_stocktake_counts_and_approval_on_the_page(clerk, manager, store_bj, part, shelf,
                                                        stock_in, clock):
    stock_in(store_bj, part, 4, "40.00", shelf)
    stocktake = stocktake_create(actor=None, store=store_bj)
    line = stocktake.lines.get()
    url = f"/parts/stocktakes/{stocktake.pk}/"
    login(clerk).post(url, {"action": "count", f"count_{line.pk}": "3"})
    login(clerk).post(url, {"action": "submit"})
    login(clerk).post(url, {"action": "approve"})  # a clerk may not approve
    stocktake.refresh_from_db()
    assert stocktake.status == StocktakeStatus.REVIEW
    login(manager).post(url, {"action": "approve"})
    stocktake.refresh_from_db()
    assert stocktake.status == StocktakeStatus.APPROVED
    assert PartStore.objects.get(part=part).on_hand == 3


def test_pt17_analysis_page_draws_charts_from_json(manager, store_bj, part, shelf, stock_in,
                                                   clock):
    stock_in(store_bj, part, 4, "40.00", shelf)
    content = login(manager).get("/parts/analysis/").content.decode()
    for chart in ("chart-abc", "chart-aging", "chart-trend"):
        assert f'data-chart="{chart}"' in content
        assert f'<script id="{chart}" type="application/json">' in content
    assert "echarts.min.js" in content


def test_labels_carry_a_qr_code(clerk, store_bj, part, clock):
    content = login(clerk).get("/parts/labels/", {"part": part.pk}).content.decode()
    assert "<svg" in content and "06L115562B" in content


def test_parts_homes_show_the_queue_and_key_figures(manager, clerk, store_bj):
    assert "parts/queue" in login(clerk).get("/").content.decode()
    content = login(manager).get("/").content.decode()
    assert "/parts/analysis/" in content
