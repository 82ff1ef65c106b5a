"""Customer care (CR-6 … CR-8): a customer-service agent records a phoned-in complaint for
a known customer, lets the page suggest its type and category, acknowledges it to the
customer within the clock and resolves it with a solution."""

from __future__ import annotations

from playwright.sync_api import expect

MOBILE = "13566778899"


def status(page):
    """The complaint's status badge beside its number."""
    return page.locator("h1 + .badge[data-status]")


def test_cr6_complaint_recorded_acknowledged_resolved(dealership, login):
    from siwei.crm.services import customer_create

    ctx = dealership()
    customer_create(actor=None, store=ctx.stores[0], name="郑雅琴", mobile=MOBILE)

    agent = login("bj01_customer_service")
    page = agent.page
    agent.go("/care/feedback/new/")
    page.get_by_label("客户（ID或手机号）").fill(MOBILE)
    page.get_by_label("主题").fill("保养等了三个小时")
    page.get_by_label("内容").fill("预约了上午十点保养，等了三个小时才交车，也没人告知进度，很不满意。")
    agent.press("建议类型和类别")  # the page proposes the type and category from the text
    agent.shot("complaint-suggested")
    expect(page.get_by_label("类型", exact=True)).to_have_value("complaint")
    expect(page.get_by_label("类别", exact=True)).to_have_value("waiting_time")
    agent.press("保存", exact=True)
    agent.see_message("已")
    expect(status(page)).to_have_attribute("data-status", "received")
    expect(page.locator("main")).to_contain_text("郑雅琴")
    expect(page.locator("main h2.h5")).to_have_text("保养等了三个小时")
    agent.shot("complaint-recorded")

    actions = page.locator("#actions")
    actions.locator("input[name=note]").first.fill("已致电客户致歉，说明会在当天给出处理方案")
    with page.expect_navigation():
        actions.get_by_role("button", name="已向客户受理").click()
    expect(status(page)).to_have_attribute("data-status", "acknowledged")
    expect(page.locator("#timeline")).to_contain_text("已致电客户致歉")
    agent.shot("complaint-acknowledged")

    actions.get_by_label("解决方案").fill("赠送一次免费洗车，并优化交车进度短信提醒")
    with page.expect_navigation():
        actions.get_by_role("button", name="解决", exact=True).click()
    expect(status(page)).to_have_attribute("data-status", "resolved")
    expect(page.locator("main")).to_contain_text("赠送一次免费洗车")
    agent.shot("complaint-resolved")
