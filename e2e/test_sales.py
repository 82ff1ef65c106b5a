"""Sales (CS-1 … CS-20): a walk-in becomes a customer and a lead, the quote becomes an order,
the cashier takes the deposit and the balance, a stock VIN is allocated, the certificate is
released and the car is handed over with the customer's signature."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from siwei.sales.demo import _vin

MOBILE = "13912345678"
VIN = _vin(0, 901)


def status(page):
    """The order's status badge beside its number."""
    return page.locator("#order-number + .badge[data-status]")


def test_cs17_walk_in_to_delivery(dealership, login):
    dealership("build_catalogue")

    # The sales manager takes a new 朗逸 into stock (CS-13).
    manager = login("bj01_sales_manager")
    manager.go("/sales/stock/new/")
    page = manager.page
    page.get_by_label("车架号").fill(VIN)
    manager.choose("车型", "朗逸", exact=True)
    manager.choose("配置", "自动舒适版")
    page.get_by_label("颜色").fill("极地白")
    page.get_by_label("采购成本").fill("105000")
    page.get_by_label("厂商指导价").fill("119900")
    page.get_by_label("合格证编号").fill("WDK900000901")
    page.get_by_label("状态").select_option("in_stock")
    manager.press("保存")
    manager.see_message("已入库")
    expect(page.locator("table")).to_contain_text(VIN)
    manager.shot("stock-vehicle-received")

    # A walk-in: the consultant records the customer, then a lead for a 朗逸.
    consultant = login("bj01_sales_consultant")
    page = consultant.page
    consultant.go("/crm/customers/new/")
    page.get_by_label("姓名").fill("林晓东")
    page.get_by_label("手机号").fill(MOBILE)
    consultant.shot("customer-form")
    consultant.press("保存")
    consultant.see_message("已创建客户 林晓东")
    consultant.shot("customer-card")

    page.get_by_role("link", name="新建意向客户").click()
    page.get_by_label("级别").select_option("H")
    page.get_by_label("朗逸").check()
    page.get_by_label("客户原话").fill("想要现车，颜色要白色")
    consultant.press("保存")
    expect(page.locator("#lead-grade")).to_have_text("H")
    consultant.shot("lead")

    # The quote from the lead: model and price come from the lead's model of interest.
    page.get_by_role("link", name="报价").click()
    expect(page.get_by_label("车辆成交价")).to_have_value(re.compile(r"^119900"))
    consultant.shot("quote-form")
    consultant.press("保存报价单")
    consultant.see_message("已创建报价单")
    order_number = page.locator("#order-number").inner_text()
    order_url = page.url
    expect(page.locator("#order-total")).to_contain_text("119,900")
    expect(status(page)).to_have_text("报价")
    consultant.shot("quote")

    # The cashier takes a deposit of 5,000 on the desk.
    cashier = login("bj01_cashier")
    cashier.go("/finance/cashier/")
    row = cashier.page.locator("#open-sales tr").filter(has_text=order_number)
    expect(row).to_contain_text("林晓东")
    row.get_by_role("link", name="收款").click()
    cashier.page.get_by_label("金额").fill("5000")
    cashier.press("登记收款")
    cashier.see_message("已登记收据")
    cashier.shot("deposit-paid")

    # The consultant confirms the order and allocates the VIN in stock.
    page.goto(order_url)
    expect(page.locator("#order-paid")).to_contain_text("5,000")
    consultant.press("确认订单（已收定金）")
    expect(status(page)).to_have_text("已确认")
    allocate = page.locator("#order-actions select[name=stock_vehicle]")
    expect(allocate).to_contain_text(VIN[11:])
    consultant.press("配车")
    expect(status(page)).to_have_text("已配车")
    expect(page.locator("#order-actions")).to_contain_text("等待在收银台付清尾款")
    consultant.shot("vehicle-allocated")

    # The cashier takes the balance and releases the certificate.
    cashier.go("/finance/cashier/")
    cashier.page.locator("#open-sales tr").filter(has_text=order_number).get_by_role(
        "link", name="收款").click()
    expect(cashier.page.locator("#due")).to_contain_text("114,900")
    cashier.page.get_by_label("金额").fill("114900")
    cashier.press("登记收款")
    cashier.see_message("已登记收据")
    cashier.page.goto(order_url)
    expect(status(cashier.page)).to_have_text("已付清")
    expect(cashier.page.locator("#order-paid")).to_contain_text("119,900")
    cashier.press("发放合格证")
    expect(status(cashier.page)).to_have_text("合格证已交给客户")
    cashier.shot("certificate-released")

    # Delivery: checklist, keys, odometer and the customer's signature.
    page.goto(order_url)
    page.locator("#order-actions").get_by_role("link", name="交车").click()
    for box in page.locator("input[type=checkbox][name^=check_]").all():
        box.check()
    page.get_by_label("里程表读数（公里）").fill("12")
    consultant.sign()
    consultant.shot("delivery-signed")
    consultant.press("确认交车")
    consultant.see_message("已交车，回访已安排。")
    consultant.shot("delivered")
    page.goto(order_url)
    expect(status(page)).to_have_text("已交车")
    expect(page.locator("#order-actions")).to_contain_text("交车时间")
