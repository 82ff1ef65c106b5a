"""Personal data (quality.md "Security and personal data", PIPL): mobile and ID numbers
masked on every surface for users without ``core.view_personal_data``; a full view of a
record and an export audited; marketing only with consent, checked again when sending;
and the customer's erasure request (CS-1, CS-5, CR-11, CR-12)."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from siwei.care.models import FollowUpKind, FollowUpStatus, MessageStatus, SkipReason
from siwei.care.services import followup_schedule
from siwei.care.services.messaging import (
    message_inbound_receive,
    message_queue,
    messages_deliver_queued,
)
from siwei.core.masking import mask_id_number, mask_mobile
from siwei.core.models import AuditEvent, Role, StoreRolePermission
from siwei.core.permissions import forget_cached_permissions, has_store_perm
from siwei.crm.models import Activity, ActivityType, Customer, Lead, LeadStatus, Vehicle
from siwei.crm.selectors import customer_search
from siwei.crm.services import (
    customer_create,
    customer_erase,
    lead_create,
    lead_log_activity,
    showroom_visit_log,
    vehicle_create,
)
from siwei.finance.models import Invoice, Payment, Receivable
from tests.finance.helpers_invoices_receivables import make_order, make_ro
from tests.sales_factories import make_model, make_vin

pytestmark = pytest.mark.django_db

MOBILE = "13912345678"
MASKED_MOBILE = "139****5678"
ID_NUMBER = "110105198001011238"
MASKED_ID = "110105********1238"


@pytest.fixture
def people(staff, store_bj):
    """The staff of BJ01, each made when a test first needs them."""

    class People:
        roles = {"cashier": "cashier",  # sees customers, not personal data
                 "advisor": "service_advisor",  # has the permission
                 "manager": "store_manager", "consultant": "sales_consultant",
                 "parts_manager": "parts_manager", "agent": "customer_service",
                 "receptionist": "receptionist"}

        def __getattr__(self, name):
            if name not in self.roles:
                raise AttributeError(name)
            user = staff(self.roles[name], store=store_bj)
            setattr(self, name, user)
            return user

    return People()


@pytest.fixture
def person(people, store_bj, group, clock):
    """王建国 with mobile, resident ID, a car, an open lead with a logged call."""
    customer = customer_create(actor=people.advisor, store=store_bj, name="王建国",
                               mobile=MOBILE, id_number=ID_NUMBER, address="朝阳区建国路1号",
                               family_notes="女儿在读高中", consent_sms=True,
                               consent_wechat=True)
    model, _trim = make_model(group)
    vehicle_create(actor=people.advisor, store=store_bj, vin=make_vin(9101), plate="京A12345",
                   owner=customer, model=model)
    return customer


def withdraw_personal_data(store, role_code: str, *users) -> None:
    StoreRolePermission.objects.create(
        store=store, role=Role.objects.get(code=role_code), granted=False,
        permission=Permission.objects.get(codename="view_personal_data"))
    for user in users:
        forget_cached_permissions(user)


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- masking ------------------------------------------------------------------------


def test_masking_formats_and_numbers_typed_by_hand_are_never_shown_whole():
    assert mask_mobile(MOBILE) == MASKED_MOBILE
    assert mask_mobile("+86 139 1234 5678") == MASKED_MOBILE
    assert mask_mobile("010-64708800") == "010****8800"
    assert mask_mobile("95588") == "****" and mask_mobile("") == ""
    assert mask_id_number(ID_NUMBER) == MASKED_ID


def test_roles_without_the_permission(people, store_bj):
    for user in (people.cashier, people.parts_manager):
        assert not has_store_perm(user, store_bj, "core.view_personal_data")
    assert has_store_perm(people.advisor, store_bj, "core.view_personal_data")


def test_customer_list_page_masks_mobile(client, people, person):
    client.force_login(people.cashier)
    page = client.get(reverse("crm:customers")).content.decode()
    assert MASKED_MOBILE in page and MOBILE not in page
    client.force_login(people.advisor)
    assert MOBILE in client.get(reverse("crm:customers")).content.decode()


def test_customers_api_list_search_and_detail_mask_mobile_and_id(api, people, person,
                                                                  store_bj):
    client = api(people.cashier, store_bj)
    listed = client.get("/api/v1/customers/").json()["results"][0]
    assert (listed["mobile"], listed["id_number"]) == (MASKED_MOBILE, MASKED_ID)
    for query in (MOBILE, "5678", "王建", "京A12345"):
        found = client.get("/api/v1/customers/", {"q": query}).json()["results"]
        assert [c["mobile"] for c in found] == [MASKED_MOBILE], query
    detail = client.get(f"/api/v1/customers/{person.pk}/").json()
    assert (detail["mobile"], detail["id_number"]) == (MASKED_MOBILE, MASKED_ID)
    full = api(people.advisor, store_bj).get(f"/api/v1/customers/{person.pk}/").json()
    assert (full["mobile"], full["id_number"]) == (MOBILE, ID_NUMBER)


def test_global_search_masks_customers_and_shows_vehicle_owner_without_mobile(
        client, people, person, store_bj):
    other = customer_create(actor=people.advisor, store=store_bj, name="王建军",
                            mobile="13812348765")
    vehicle_create(actor=people.advisor, store=store_bj, vin=make_vin(9102), plate="京A12346",
                   owner=other)
    client.force_login(people.cashier)
    for query in ("王建", "京A1234"):
        page = client.get(reverse("crm:search"), {"q": query}).content.decode()
        assert MASKED_MOBILE in page and "138****8765" in page, query
        assert MOBILE not in page and "13812348765" not in page, query
    # The vehicles found show their owner's name, never the mobile.
    assert "京A12346" in page and page.count("王建军") >= 2


def test_customer_card_masks_mobile_and_id_and_is_not_audited_when_masked(
        client, people, person):
    client.force_login(people.cashier)
    page = client.get(reverse("crm:customer", args=[person.pk])).content.decode()
    assert MASKED_MOBILE in page and MASKED_ID in page
    assert MOBILE not in page and ID_NUMBER not in page
    assert not AuditEvent.objects.filter(action="customer.view_personal").exists()


def test_follow_up_list_and_detail_mask_the_mobile(client, people, person, store_bj, clock):
    task, _new = followup_schedule(store=store_bj, kind=FollowUpKind.SERVICE_CALL,
                                   customer=person, due_at=clock.now(),
                                   assignee_role="customer_service")
    withdraw_personal_data(store_bj, "customer_service", people.agent)
    client.force_login(people.agent)
    for url in (reverse("care:followups"), reverse("care:followup", args=[task.pk])):
        page = client.get(url).content.decode()
        assert MASKED_MOBILE in page and MOBILE not in page, url


def test_feedback_contact_phone_masked_on_page_api_and_xlsx(client, api, people, store_bj,
                                                             monkeypatch):
    from siwei.care.classification import Suggestion
    from siwei.care.services.feedback import feedback_create

    monkeypatch.setattr("siwei.care.classification.suggest",
                        lambda *, group_id, text: Suggestion("", ""))
    feedback = feedback_create(
        actor=people.agent, store=store_bj, channel="phone", subject="等待时间过长",
        content="下午两点才交车。", kind="complaint", category="waiting_time",
        contact_name="匿名客户", contact_phone="+86 139 1234 5678")
    client.force_login(people.parts_manager)  # may read feedback, not personal data
    page = client.get(reverse("care:feedback-detail", args=[feedback.pk])).content.decode()
    assert MASKED_MOBILE in page and "139 1234 5678" not in page
    listed = api(people.parts_manager, store_bj).get("/api/v1/feedback/").json()["results"]
    assert listed[0]["contact_phone"] == MASKED_MOBILE
    rows = xlsx_rows(client.get(reverse("care:feedback"), {"format": "xlsx"}))
    assert rows[1][4] == MASKED_MOBILE
    event = AuditEvent.objects.get(action="list.export")
    assert (event.actor, event.object_type) == (people.parts_manager, "feedback")
    full = api(people.agent, store_bj).get("/api/v1/feedback/").json()["results"]
    assert full[0]["contact_phone"] == "+86 139 1234 5678"


def test_showroom_visit_api_masks_the_visitor_mobile(api, people, store_bj, clock):
    showroom_visit_log(actor=people.receptionist, store=store_bj, kind="walk_in",
                       visitor_name="陈先生", visitor_mobile=MOBILE)
    client = api(people.receptionist, store_bj)
    assert client.get("/api/v1/showroom-visits/").json()["results"][0][
        "visitor_mobile"] == MOBILE
    withdraw_personal_data(store_bj, "receptionist", people.receptionist)
    assert client.get("/api/v1/showroom-visits/").json()["results"][0][
        "visitor_mobile"] == MASKED_MOBILE


def test_customer_xlsx_masks_without_permission_and_every_download_is_audited(
        client, people, person):
    client.force_login(people.cashier)
    rows = xlsx_rows(client.get(reverse("crm:customers"), {"format": "xlsx"}))
    assert rows[1][:2] == ["王建国", MASKED_MOBILE]
    client.force_login(people.advisor)
    rows = xlsx_rows(client.get(reverse("crm:customers"), {"format": "xlsx"}))
    assert rows[1][:2] == ["王建国", MOBILE]
    exports = AuditEvent.objects.filter(action="customer.export").order_by("id")
    assert [e.actor for e in exports] == [people.cashier, people.advisor]


# --- audit of full views ----------------------------------------------------------------


def test_full_view_of_the_card_and_the_api_detail_is_audited(client, api, people, person,
                                                             store_bj):
    client.force_login(people.advisor)
    page = client.get(reverse("crm:customer", args=[person.pk])).content.decode()
    assert MOBILE in page and ID_NUMBER in page
    card = AuditEvent.objects.get(action="customer.view_personal")
    assert (card.actor, card.store, card.object_id) == (people.advisor, store_bj,
                                                        str(person.pk))
    client_api = api(people.advisor, store_bj)
    client_api.get("/api/v1/customers/")  # a list is masked per row elsewhere: no event
    assert AuditEvent.objects.filter(action="customer.view_personal").count() == 1
    client_api.get(f"/api/v1/customers/{person.pk}/")
    events = AuditEvent.objects.filter(action="customer.view_personal").order_by("id")
    assert events.count() == 2 and events.last().note == "api"
    api(people.cashier, store_bj).get(f"/api/v1/customers/{person.pk}/")  # masked: no event
    assert events.count() == 2


# --- consent for marketing ----------------------------------------------------------------


class Recorder:
    name = "recorder"

    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message.pk)
        return f"r-{message.pk}"


def test_cr11_consent_withdrawn_between_queuing_and_sending_stops_the_message(
        person, store_bj, clock):
    marketing = message_queue(store=store_bj, customer=person, channel="sms", body="冬季保养促销",
                              is_marketing=True)
    service = message_queue(store=store_bj, customer=person, channel="sms", body="您的车已完工")
    wechat = message_queue(store=store_bj, customer=person, channel="wechat", body="车友会活动",
                           is_marketing=True)
    assert marketing.status == MessageStatus.QUEUED
    message_inbound_receive(channel="sms", sender=MOBILE, body="退订", store=store_bj)
    backend = Recorder()
    assert messages_deliver_queued(backend=backend) == 2
    marketing.refresh_from_db()
    assert (marketing.status, marketing.skip_reason) == (MessageStatus.SKIPPED,
                                                         SkipReason.NO_CONSENT)
    # Service messages need no marketing consent; WeChat consent was not withdrawn.
    assert sorted(backend.sent) == sorted([service.pk, wechat.pk])


def test_cr11_consent_kept_the_marketing_message_is_sent(person, store_bj, clock):
    marketing = message_queue(store=store_bj, customer=person, channel="sms", body="冬季保养促销",
                              is_marketing=True)
    backend = Recorder()
    assert messages_deliver_queued(backend=backend) == 1 and backend.sent == [marketing.pk]


# --- erasure ------------------------------------------------------------------------------


@pytest.fixture
def history(people, person, store_bj, clock):
    """Closed business of 王建国: a delivered sales order with a payment and an invoice, a
    released repair order with a paid receivable, a lost-in-progress lead with a call, a
    pending follow-up and a queued marketing message."""
    order = make_order(store_bj, person, people.consultant, price="158000.00")
    ro = make_ro(store_bj, person, people.advisor, status="released",
                 lines=[("job", "customer", "680.00"), ("part", "customer", "420.00")],
                 vehicle=person.vehicles.get())
    payment = Payment.objects.create(store=store_bj, receipt_number="RC-T-0001",
                                     sales_order=order, kind="deposit", method="card",
                                     amount=Decimal("20000.00"), cashier=people.cashier,
                                     at=clock.now())
    invoice = Invoice.objects.create(store=store_bj, number="INV-T-0001", sales_order=order,
                                     buyer_name="王建国", issued_at=clock.now(),
                                     amount_net=Decimal("139823.01"), tax=Decimal("18176.99"),
                                     total=Decimal("158000.00"))
    receivable = Receivable.objects.create(
        store=store_bj, debtor_kind="customer", debtor_name="王建国", customer=person,
        repair_order=ro, amount=Decimal("1100.00"), open_amount=Decimal("0.00"),
        arose_on=clock.today(), due_date=clock.today(), created_at=clock.now())
    lead = lead_create(actor=people.consultant, store=store_bj, customer=person,
                       source="walk_in", grade="A")
    lead_log_activity(actor=people.consultant, lead=lead, type=ActivityType.CALL,
                      content="王先生说女儿下月开学，预算20万", outcome="", next_step="周末试驾")
    task, _new = followup_schedule(store=store_bj, kind=FollowUpKind.SERVICE_CALL,
                                   customer=person, due_at=clock.now() + dt.timedelta(days=1),
                                   assignee_role="customer_service")
    message = message_queue(store=store_bj, customer=person, channel="sms", body="尊敬的王建国",
                            is_marketing=True)
    return {"order": order, "ro": ro, "payment": payment, "invoice": invoice,
            "receivable": receivable, "lead": lead, "task": task, "message": message}


def _money(history) -> dict:
    order, ro = history["order"], history["ro"]
    for obj in history.values():
        obj.refresh_from_db()
    return {"order": (order.number, order.total, order.customer_id),
            "ro": (ro.number, ro.customer_total, ro.customer_id, ro.vehicle_id),
            "payment": (history["payment"].receipt_number, history["payment"].amount),
            "invoice": (history["invoice"].number, history["invoice"].total,
                        history["invoice"].buyer_name),
            "receivable": (history["receivable"].amount, history["receivable"].customer_id)}


def test_erasure_anonymises_the_person_and_keeps_financial_records(people, person, history,
                                                                   store_bj, clock):
    money_before = _money(history)
    vehicle = person.vehicles.get()
    customer_erase(actor=people.manager, customer=person, reason="客户书面申请删除个人信息")
    person.refresh_from_db()
    assert person.name == f"已删除客户 #{person.pk}"
    assert (person.mobile, person.mobile_last4, person.id_number, person.address,
            person.family_notes, person.gender, person.birthday) == ("", "", "", "", "", "",
                                                                      None)
    assert not (person.consent_sms or person.consent_phone or person.consent_wechat)
    assert person.consent_sms_at == clock.now() and person.erased_at == clock.now()
    # Financial records: same numbers, amounts and links.
    assert _money(history) == money_before
    # The car keeps VIN and plate, without an owner.
    vehicle.refresh_from_db()
    assert (vehicle.vin, vehicle.plate, vehicle.owner_id) == (make_vin(9101), "京A12345", None)
    # Free text about the person cleared; open work stopped.
    activity = Activity.objects.get(customer=person)
    assert (activity.content, activity.next_step) == ("", "")
    assert Lead.objects.get(pk=history["lead"].pk).status == LeadStatus.DORMANT
    assert history["task"].status == FollowUpStatus.CANCELLED
    message = history["message"]
    assert (message.status, message.to) == (MessageStatus.SKIPPED, "")
    assert "王建国" not in message.body
    backend = Recorder()
    messages_deliver_queued(backend=backend)
    assert backend.sent == []


def test_erasure_search_no_longer_finds_the_old_mobile_or_name(people, person, store_bj):
    user = people.advisor
    for query in (MOBILE, "5678", "王建国", "wangjianguo", "wjg"):
        assert list(customer_search(user=user, store=store_bj, query=query)) == [person]
    customer_erase(actor=people.manager, customer=person, reason="客户要求")
    for query in (MOBILE, "5678", "王建国", "wangjianguo", "wjg"):
        assert not customer_search(user=user, store=store_bj, query=query).exists(), query


def test_erasure_is_refused_while_a_document_is_open(api, people, person, store_bj):
    ro = make_ro(store_bj, person, people.advisor, status="in_progress",
                 vehicle=person.vehicles.get())
    response = api(people.manager, store_bj).post(f"/api/v1/customers/{person.pk}/erase/",
                                                  {"reason": "客户要求"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "erasure_blocked"
    assert response.json()["documents"] == [ro.number]
    person.refresh_from_db()
    assert (person.name, person.mobile, person.erased_at) == ("王建国", MOBILE, None)
    assert not AuditEvent.objects.filter(action="customer.erase").exists()


def test_erasure_is_refused_with_an_open_receivable(people, person, history, store_bj):
    from siwei.core.errors import DomainError

    Receivable.objects.filter(pk=history["receivable"].pk).update(open_amount=Decimal("1.00"))
    with pytest.raises(DomainError) as refused:
        customer_erase(actor=people.manager, customer=person, reason="客户要求")
    assert refused.value.code == "erasure_blocked"


def test_erasure_needs_the_permission_and_a_reason(api, client, people, person, store_bj):
    assert has_store_perm(people.manager, store_bj, "crm.erase_customer")
    for user in (people.advisor, people.consultant, people.cashier):
        assert not has_store_perm(user, store_bj, "crm.erase_customer")
    with pytest.raises(PermissionDenied):
        customer_erase(actor=people.advisor, customer=person, reason="客户要求")
    url = f"/api/v1/customers/{person.pk}/erase/"
    assert api(people.advisor, store_bj).post(url, {"reason": "x"}).status_code == 403
    client.force_login(people.advisor)
    page = client.post(reverse("crm:customer-erase", args=[person.pk]), {"reason": "x"})
    assert page.status_code == 403
    blank = api(people.manager, store_bj).post(url, {"reason": ""}, format="json")
    assert blank.status_code == 400 and "reason" in blank.json()
    person.refresh_from_db()
    assert person.erased_at is None and person.mobile == MOBILE


def test_erasure_api_answers_the_anonymised_record_and_audits_without_erased_values(
        api, people, person, store_bj):
    client = api(people.manager, store_bj)
    response = client.post(f"/api/v1/customers/{person.pk}/erase/",
                           {"reason": "客户书面申请"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == f"已删除客户 #{person.pk}" and body["mobile"] == ""
    assert body["erased_at"] is not None
    event = AuditEvent.objects.get(action="customer.erase")
    assert (event.actor, event.store, event.object_id) == (people.manager, store_bj,
                                                           str(person.pk))
    assert event.after["reason"] == "客户书面申请" and event.after["vehicles_unlinked"] == 1
    written = json.dumps([event.before, event.after, event.object_repr, event.note],
                         ensure_ascii=False)
    for erased in ("王建国", MOBILE, ID_NUMBER, "朝阳区建国路1号", "女儿在读高中"):
        assert erased not in written
    again = client.post(f"/api/v1/customers/{person.pk}/erase/", {"reason": "再次"},
                        format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_erased"


def test_erasure_page_action_from_the_card(client, people, person, store_bj):
    client.force_login(people.advisor)
    card = client.get(reverse("crm:customer", args=[person.pk])).content.decode()
    assert 'id="erase-dialog"' not in card
    client.force_login(people.manager)
    card = client.get(reverse("crm:customer", args=[person.pk])).content.decode()
    assert 'id="erase-dialog"' in card and 'id="erase-confirm"' in card
    response = client.post(reverse("crm:customer-erase", args=[person.pk]),
                           {"reason": "客户到店书面申请"})
    assert response.status_code == 302
    card = client.get(response["Location"]).content.decode()
    assert 'id="erased"' in card and "王建国" not in card and 'id="erase-dialog"' not in card
    assert Customer.objects.get(pk=person.pk).erased_at is not None


def test_erasure_page_shows_the_open_documents_and_refuses(client, people, person, store_bj):
    order = make_order(store_bj, person, people.consultant, status="confirmed")
    client.force_login(people.manager)
    card = client.get(reverse("crm:customer", args=[person.pk])).content.decode()
    assert 'id="erasure-blockers"' in card and order.number in card
    assert 'id="erase-confirm"' not in card
    response = client.post(reverse("crm:customer-erase", args=[person.pk]),
                           {"reason": "客户要求"}, follow=True)
    assert order.number in response.content.decode()
    assert Customer.objects.get(pk=person.pk).erased_at is None


def test_erasure_also_erases_merged_duplicates_and_company_contacts(people, store_bj):
    from siwei.crm.models import CompanyContact
    from siwei.crm.services import customer_merge

    keep = customer_create(actor=people.advisor, store=store_bj, name="李秀英",
                           mobile="13698765432")
    duplicate = customer_create(actor=people.advisor, store=store_bj, name="李秀英",
                                mobile="13698765433", id_number=ID_NUMBER)
    customer_merge(actor=people.manager, keep=keep, duplicate=duplicate)
    CompanyContact.objects.create(customer=keep, name="李秀英", mobile="13698765432")
    customer_erase(actor=people.manager, customer=keep, reason="客户要求")
    duplicate.refresh_from_db()
    assert duplicate.name.startswith("已删除客户") and duplicate.id_number == ""
    assert not CompanyContact.objects.filter(customer=keep).exists()
    assert not Vehicle.objects.filter(owner=keep).exists()
