"""Parts (PT-*): the parts manager orders from a supplier, the clerk receives the goods
against the purchase order; then a stocktake of one zone is counted, one variance found,
submitted and approved, which posts the adjustment."""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import expect


def status(page):
    """The document's status badge in its heading."""
    return page.locator("h1 .badge[data-status]")


def test_pt_goods_receipt_and_stocktake(dealership, login):
    from siwei.parts.models import Location, Part

    ctx = dealership("build_parts")
    part = Part.objects.filter(group=ctx.group, is_key_part=False).order_by("number").first()

    # The parts manager writes the purchase order and sends it.
    manager = login("bj01_parts_manager")
    page = manager.page
    manager.go("/parts/orders/new/")
    manager.choose("供应商", part.default_supplier.name)
    page.get_by_label("明细").fill(f"{part.number} 10 {part.cost}")
    manager.shot("purchase-order-form")
    manager.press("创建草稿")
    manager.see_message("已创建")
    expect(status(page)).to_have_attribute("data-status", "draft")
    po_url = page.url
    manager.press("发送给供应商")
    expect(status(page)).to_have_attribute("data-status", "sent")
    manager.shot("purchase-order-sent")

    # The clerk receives the ten pieces (the quantity outstanding is filled in).
    clerk = login("bj01_parts_clerk")
    clerk.page.goto(po_url)
    line = clerk.page.locator("#po-lines tbody tr").filter(has_text=part.number)
    expect(line.get_by_label("本次合格")).to_have_value("10")
    clerk.shot("goods-arrived")
    with clerk.page.expect_navigation():
        clerk.page.locator("#receive-form button[type=submit]").click()
    clerk.see_message("已收货入库。")
    expect(status(clerk.page)).to_have_attribute("data-status", "received")
    expect(line.locator("td").nth(3)).to_have_text("10")
    clerk.shot("goods-received")

    # A stocktake of one zone: every line counted as on the sheet but one, found short.
    zone = (Location.objects.filter(store=ctx.stores[0], kind="normal")
            .values_list("zone", flat=True).order_by("zone").first())
    clerk.go("/parts/stocktakes/")
    clerk.page.get_by_label("库区").select_option(zone)
    clerk.press("开始盘点")
    expect(status(clerk.page)).to_have_attribute("data-status", "counting")
    rows = clerk.page.locator("#count-sheet tbody tr")
    count = rows.count()
    assert count > 1, "the zone has lines to count"
    short = None
    for index in range(count):
        row = rows.nth(index)
        system = Decimal(row.locator("td").nth(3).inner_text())
        counted = system
        if short is None and system >= 1:
            short, counted = index, system - 1
        row.get_by_label("实盘数").fill(str(counted))
    assert short is not None
    clerk.shot("count-sheet")
    clerk.press("保存盘点数")
    clerk.see_message("盘点数已保存。")
    expect(clerk.page.locator("#count-sheet tbody tr.table-warning")).to_have_count(1)
    expect(rows.nth(short).locator("td").nth(5)).to_have_text("-1")
    clerk.press("提交审批")
    expect(status(clerk.page)).to_have_attribute("data-status", "review")
    stocktake_url = clerk.page.url
    clerk.shot("stocktake-submitted")

    # The parts manager approves: the adjustment is posted.
    page.goto(stocktake_url)
    manager.press("审批并过账调整")
    expect(status(page)).to_have_attribute("data-status", "approved")
    manager.shot("stocktake-approved")
