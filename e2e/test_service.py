"""Service (SV-1 … SV-16): the advisor books an appointment in the slot finder, the customer
arrives and the advisor opens the repair order from the appointment in two clicks, the
customer signs the estimate, the foreman assigns the job on the workshop board, the
technician clocks on and finishes with the self-check, the foreman check and the final
inspection pass, the advisor settles, the cashier takes the money and the gate pass is
issued."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from playwright.sync_api import expect

from siwei.sales.demo import _vin

PLATE = "京N8E321"


def _car_owner(ctx):
    """A customer of BJ01 with a registered car, and a technician on shift today."""
    from django.contrib.auth import get_user_model

    from siwei.core import clock
    from siwei.crm.services import customer_create, vehicle_create
    from siwei.service.models import LabourOperation, LabourRate, TechnicianShift

    store = ctx.stores[0]
    customer = customer_create(actor=None, store=store, name="周海涛", mobile="13698765432")
    vehicle_create(actor=None, store=store, vin=_vin(0, 902), owner=customer, plate=PLATE,
                   brand="大众", model_year=2023)
    # Master data the service manager keeps: the store's labour rate and an operation.
    LabourRate.objects.create(store=store, category="", rate=Decimal("280.00"))
    LabourOperation.objects.create(group=ctx.group, code="OIL-01", name="更换机油机滤",
                                   default_hours=Decimal("1.5"))
    technician = get_user_model().objects.get(username="bj01_technician")
    TechnicianShift.objects.create(store=store, technician=technician, day=clock.today(),
                                   start=dt.time(8, 30), end=dt.time(17, 30))
    return technician


def status(page):
    """The repair order's status badge beside its number."""
    return page.locator("#ro-number + .badge[data-status]")


def test_sv1_sv16_appointment_to_gate_pass(dealership, login, frozen_clock):
    ctx = dealership()
    technician = _car_owner(ctx)

    # SV-1/SV-2: the advisor picks a free 10:00 slot today in the slot finder.
    advisor = login("bj01_service_advisor")
    page = advisor.page
    advisor.go("/service/appointments/slots/?date=2026-11-23")
    expect(page.locator("main h2.h5")).to_have_text("2026-11-23 星期一")
    advisor.shot("slot-finder")
    page.locator("section[data-advisor] a.slot[data-slot='10:00']").first.click()
    page.get_by_role("searchbox").last.fill(PLATE)
    advisor.press("查找")
    page.locator("#vehicle-choices a").filter(has_text=PLATE).click()
    expect(page.locator("#appointment-form")).to_be_visible()
    page.get_by_label("客户陈述").fill("保养\n刹车有异响")
    advisor.shot("appointment-form")
    advisor.press("预约")
    advisor.see_message("10:00")
    expect(page.locator("h1 .badge[data-status]")).to_have_attribute("data-status", "booked")
    advisor.shot("appointment-booked")

    # SV-6: at 09:50 the customer arrives; two clicks from the appointment open the RO.
    frozen_clock.set(dt.datetime(2026, 11, 23, 9, 50, tzinfo=frozen_clock.now().tzinfo))
    page.reload()
    page.get_by_role("link", name="客户已到店").click()
    page.get_by_label("里程（km）").fill("23150")
    advisor.shot("arrival")
    advisor.press("打开工单")
    expect(page).to_have_url(re.compile(r"/service/repair-orders/\d+/$"))
    advisor.see_message("已")
    expect(page.locator("#complaints")).to_contain_text("刹车有异响")
    ro_url = page.url
    ro_number = page.locator("#ro-number").inner_text()

    # The estimate: one job, then the customer signs on the pad (SV-7).
    advisor.choose("工时项目", "更换机油机滤")
    advisor.press("添加维修项目")
    expect(page.locator("#jobs")).to_contain_text("更换机油机滤")
    expect(page.locator("#ro-estimate")).to_have_text("¥420.00")  # 1.5 h × ¥280
    page.locator("#sign-form").get_by_label("签字人").fill("周海涛")
    advisor.sign("#signature-pad")
    advisor.shot("estimate-signed")
    advisor.press("客户签字确认估价")
    expect(status(page)).to_have_attribute("data-status", "open")
    advisor.shot("ro-open")

    # SV-10: the foreman assigns the job on the board (an htmx form: the board redraws).
    foreman = login("bj01_foreman")
    foreman.go("/service/workshop/board/")
    row = foreman.page.locator("#orders tr[data-ro]").filter(has_text=ro_number)
    row.locator("select[name=technician]").select_option(str(technician.pk))
    foreman.page.evaluate("window.sameDocument = true")
    row.get_by_role("button", name="派工").click()
    expect(foreman.page.locator("#board .alert")).to_contain_text("更换机油机滤")
    assert foreman.page.evaluate("window.sameDocument === true"), "htmx swapped the board"
    job = foreman.page.locator("#orders tr[data-ro]").filter(has_text=ro_number)
    expect(job.locator("[data-job] .badge[data-status]")).to_have_attribute(
        "data-status", "assigned")
    expect(foreman.page.locator(f"#technicians tr[data-technician='{technician.pk}']")
           ).to_contain_text("更换机油机滤")
    foreman.shot("board-assigned")

    # SV-11/SV-13: the technician clocks on, works 1.2 h and finishes with the self-check.
    tech = login("bj01_technician")
    tech.go("/service/workshop/my-jobs/")
    card = tech.page.locator("#my-jobs [data-job]").filter(has_text=PLATE)
    expect(card).to_have_attribute("data-status", "assigned")
    with tech.page.expect_navigation():
        card.locator("form[action$='/start/'] button").click()
    card = tech.page.locator("#my-jobs [data-job]").filter(has_text=PLATE)
    expect(card).to_have_attribute("data-status", "in_progress")
    tech.shot("job-started")
    frozen_clock.advance(minutes=72)
    tech.page.reload()
    card = tech.page.locator("#my-jobs [data-job]").filter(has_text=PLATE)
    card.locator("button[data-bs-toggle=collapse]").click()
    expect(card.locator("form[action$='/finish/']")).to_be_visible()
    with tech.page.expect_navigation():
        card.locator("form[action$='/finish/'] button[type=submit]").click()
    card = tech.page.locator("#my-jobs [data-job]").filter(has_text=PLATE)
    expect(card).to_have_attribute("data-status", "finished")
    expect(card).to_contain_text("1.2")
    tech.shot("job-finished")

    # SV-13: the foreman check (互检) …
    foreman.go("/service/workshop/inspections/foreman/")
    foreman.page.locator("#queue tr").filter(has_text=ro_number).get_by_role(
        "link", name="检验").click()
    foreman.page.locator("#inspection-form input[name=result][value=pass]").check()
    foreman.press("登记检验结果")
    foreman.see_message(ro_number)
    foreman.shot("foreman-check")

    # … and the final inspection (终检) issue the completion certificate.
    inspector = login("bj01_qc_inspector")
    inspector.go("/service/workshop/inspections/final/")
    inspector.page.locator("#queue tr").filter(has_text=ro_number).get_by_role(
        "link", name="检验").click()
    for box in inspector.page.locator("#inspection-form input[type=checkbox]").all():
        box.check()
    inspector.page.locator("#inspection-form input[name=result][value=pass]").check()
    inspector.press("登记检验结果")
    inspector.see_message(ro_number)
    inspector.shot("final-inspection")

    # SV-15: the advisor settles.
    page.goto(ro_url)
    expect(status(page)).to_have_attribute("data-status", "inspected")
    expect(page.locator("#inspections li")).to_have_count(3)
    advisor.press("结算")
    expect(status(page)).to_have_attribute("data-status", "settled")
    to_pay = page.locator("#ro-balance").inner_text()
    assert to_pay == page.locator("#ro-customer-total").inner_text()
    advisor.shot("settled")

    # FN-1: the cashier takes the money on the desk.
    cashier = login("bj01_cashier")
    cashier.go("/finance/cashier/")
    cashier.page.locator("#open-repairs tr").filter(has_text=ro_number).get_by_role(
        "link", name="收款").click()
    expect(cashier.page.locator("#due")).to_have_text(to_pay)
    cashier.page.get_by_label("金额").fill(to_pay.replace("¥", "").replace(",", ""))
    cashier.press("登记收款")
    cashier.see_message("已登记收据")
    cashier.shot("paid")

    # SV-16: the gate pass.
    page.goto(ro_url)
    expect(status(page)).to_have_attribute("data-status", "paid")
    expect(page.locator("#ro-paid")).to_have_text(to_pay)
    advisor.press("开具出门证")
    expect(page.locator("#gate-pass")).to_have_text(re.compile(r"\S+"))
    expect(status(page)).to_have_attribute("data-status", "released")
    advisor.shot("gate-pass")
