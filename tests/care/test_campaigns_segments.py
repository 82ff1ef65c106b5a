"""CR-10 segments: each filter checked against hand-built customers, one set-based query,
the filter validation, and the segment pages (live count, masked mobiles, permissions).

The builders at the top are shared by the other campaign and messaging tests."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from siwei.care.forms_campaigns import clean_filters
from siwei.care.models import Segment
from siwei.care.selectors_campaigns import segment_customers, segment_recipients
from siwei.care.services.campaigns import segment_create, segment_delete, segment_update
from siwei.core.errors import DomainError
from siwei.crm.models import Customer, Vehicle
from tests.sales_factories import make_model, make_vin

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
_serial = itertools.count(5000)
_number = itertools.count(1)


def make_customer(store, name: str, mobile: str = "", **fields) -> Customer:
    fields.setdefault("consent_sms", True)
    return Customer.objects.create(group=store.group, store=store, name=name, mobile=mobile,
                                   mobile_last4=mobile[-4:], **fields)


def make_vehicle(customer, *, model=None, plate: str = "", **fields) -> Vehicle:
    vin = make_vin(next(_serial))
    return Vehicle.objects.create(store=customer.store, owner=customer, vin=vin,
                                  vin_last6=vin[-6:], plate=plate, model=model,
                                  brand=model.brand if model else "", **fields)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def make_ro(vehicle, advisor, *, received: dt.datetime, status: str = "closed",
            customer_total: str = "0", settled: dt.datetime | None = None):
    from siwei.service.models import RepairOrder

    return RepairOrder.objects.create(
        store=vehicle.store, number=f"RO-C-{next(_number):05d}", customer=vehicle.owner,
        vehicle=vehicle, advisor=advisor, category="maintenance", status=status, mileage=10000,
        promised_at=received + dt.timedelta(hours=6), received_at=received,
        customer_total=Decimal(customer_total), settled_at=settled)


def make_payment(store, cashier, *, repair_order=None, sales_order=None, amount: str,
                 when: dt.datetime):
    from siwei.finance.models import Payment

    return Payment.objects.create(store=store, receipt_number=f"RC-{next(_number):05d}",
                                  repair_order=repair_order, sales_order=sales_order,
                                  kind="settlement", method="cash", amount=Decimal(amount),
                                  cashier=cashier, at=when)


def make_desk(staff, store):
    """The customer service desk of a store, its store manager and a service advisor."""

    class Desk:
        agent = staff("customer_service", store=store)
        manager = staff("store_manager", store=store)
        advisor = staff("service_advisor", store=store)

    return Desk


@pytest.fixture
def desk(staff, store_bj):
    return make_desk(staff, store_bj)


def ids(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


# --- the filters, one by one ----------------------------------------------------------


def test_cr10_category_gender_district_occupation_tags(store_bj, clock):
    make_customer(store_bj, "甲", "13800000001", category="owner_new", gender="male",
                  district="朝阳区", occupation="软件工程师", tags="老客户,车友会")
    make_customer(store_bj, "乙", "13800000002", category="owner_old", gender="female",
                  district="海淀区", occupation="教师", tags="车友会")
    make_customer(store_bj, "丙", "13800000003", category="churned", gender="male",
                  district="朝阳区", occupation="医生")

    def find(**filters):
        return ids(segment_customers(store=store_bj, filters=filters))

    assert find(category=["owner_new", "churned"]) == {"甲", "丙"}
    assert find(gender="female") == {"乙"}
    assert find(district="朝阳") == {"甲", "丙"}
    assert find(occupation="工程师") == {"甲"}
    assert find(tags="车友会") == {"甲", "乙"}
    assert find(tags="车友会", gender="male") == {"甲"}
    assert find() == {"甲", "乙", "丙"}


def test_cr10_age_from_birthday(store_bj, clock):
    today = clock.today()  # 2026-11-22
    make_customer(store_bj, "三十", birthday=dt.date(1996, 11, 22))  # 30 today
    make_customer(store_bj, "二十九", birthday=dt.date(1996, 11, 23))  # 30 tomorrow
    make_customer(store_bj, "四十", birthday=dt.date(1986, 1, 1))
    make_customer(store_bj, "不详")
    assert today == dt.date(2026, 11, 22)
    found = ids(segment_customers(store=store_bj, filters={"age_min": 30, "age_max": 39}))
    assert found == {"三十"}
    assert ids(segment_customers(store=store_bj, filters={"age_max": 29})) == {"二十九"}
    assert ids(segment_customers(store=store_bj, filters={"age_min": 40})) == {"四十"}


def test_cr10_vehicle_filters_model_age_maintenance_insurance(store_bj, group, clock):
    lavida = make_model(group, "朗逸")[0]
    magotan = make_model(group, "迈腾")[0]
    today = clock.today()
    a = make_customer(store_bj, "新车主")
    make_vehicle(a, model=lavida, sale_date=today - dt.timedelta(days=200),
                 next_maintenance_date=today + dt.timedelta(days=20),
                 insurance_expiry=today + dt.timedelta(days=150))
    b = make_customer(store_bj, "老车主")
    make_vehicle(b, model=magotan, sale_date=dt.date(2021, 6, 1),
                 next_maintenance_date=today + dt.timedelta(days=60),
                 insurance_expiry=today + dt.timedelta(days=25))
    c = make_customer(store_bj, "两台车")
    make_vehicle(c, model=lavida, sale_date=dt.date(2020, 1, 1))  # old Lavida
    make_vehicle(c, model=magotan, sale_date=today - dt.timedelta(days=30))  # new Magotan
    make_customer(store_bj, "无车")

    def find(**filters):
        return ids(segment_customers(store=store_bj, filters=filters))

    assert find(model=[lavida.pk]) == {"新车主", "两台车"}
    assert find(vehicle_age_max=0) == {"新车主", "两台车"}
    assert find(vehicle_age_min=5) == {"老车主", "两台车"}
    # The vehicle filters hold for one car: no new Lavida of 两台车.
    assert find(model=[lavida.pk], vehicle_age_max=0) == {"新车主"}
    assert find(maintenance_due_from=today.isoformat(),
                maintenance_due_to=(today + dt.timedelta(days=30)).isoformat()) == {"新车主"}
    assert find(insurance_expiry_to=(today + dt.timedelta(days=30)).isoformat()) == {"老车主"}


def test_cr10_last_visit_before_and_after(store_bj, desk, group, clock):
    model = make_model(group)[0]
    recent = make_customer(store_bj, "常来")
    make_ro(make_vehicle(recent, model=model), desk.advisor, received=at(dt.date(2026, 10, 1)))
    away = make_customer(store_bj, "久未来")
    car = make_vehicle(away, model=model)
    make_ro(car, desk.advisor, received=at(dt.date(2025, 3, 1)))
    make_ro(car, desk.advisor, received=at(dt.date(2026, 9, 1)), status="cancelled")
    make_customer(store_bj, "从未来")

    def find(**filters):
        return ids(segment_customers(store=store_bj, filters=filters))

    assert find(last_visit_before="2025-11-22") == {"久未来"}  # the cancelled RO is no visit
    assert find(last_visit_after="2026-01-01") == {"常来"}
    assert find(last_visit_after="2025-01-01", last_visit_before="2026-12-31") == {"常来",
                                                                                   "久未来"}


def test_cr10_spending_over_the_last_12_months(store_bj, desk, group, clock):
    model = make_model(group)[0]
    big = make_customer(store_bj, "大客户")
    ro = make_ro(make_vehicle(big, model=model), desk.advisor, received=at(dt.date(2026, 6, 1)))
    make_payment(store_bj, desk.agent, repair_order=ro, amount="3000.00",
                 when=at(dt.date(2026, 6, 1)))
    make_payment(store_bj, desk.agent, repair_order=ro, amount="2500.00",
                 when=at(dt.date(2026, 7, 1)))
    make_payment(store_bj, desk.agent, repair_order=ro, amount="-500.00",  # a refund
                 when=at(dt.date(2026, 7, 2)))
    old = make_customer(store_bj, "去年消费")
    ro2 = make_ro(make_vehicle(old, model=model), desk.advisor, received=at(dt.date(2025, 6, 1)))
    make_payment(store_bj, desk.agent, repair_order=ro2, amount="9000.00",
                 when=at(dt.date(2025, 6, 1)))
    make_customer(store_bj, "零消费")

    def find(amount):
        return ids(segment_customers(store=store_bj, filters={"spending_min": amount}))

    assert find("5000") == {"大客户"}
    assert find("5000.01") == set()
    assert find("0") == {"大客户", "去年消费", "零消费"}


def test_cr10_store_scoping_and_merged_duplicates(store_bj, store_sh, clock):
    keep = make_customer(store_bj, "本店")
    make_customer(store_bj, "已合并", merged_into=keep)
    make_customer(store_sh, "上海客户")
    assert ids(segment_customers(store=store_bj, filters={})) == {"本店"}


def test_cr10_one_query_whatever_the_filters(store_bj, group, clock):
    model = make_model(group)[0]
    for i in range(5):
        make_vehicle(make_customer(store_bj, f"客户{i}", category="owner_old"), model=model,
                     sale_date=dt.date(2022, 1, 1), plate=f"京A1234{i}")
    filters = clean_filters(store=store_bj, filters={
        "category": ["owner_old"], "model": [model.pk], "vehicle_age_min": 1,
        "last_visit_before": "2026-01-01", "spending_min": "0", "tags": "",
        "maintenance_due_to": "2030-01-01"})
    with CaptureQueriesContext(connection) as queries:
        recipients = list(segment_recipients(store=store_bj, filters=filters))
    assert len(queries) == 1
    assert recipients == [] or all(r.v_plate for r in recipients)
    found = list(segment_recipients(store=store_bj, filters={"model": [model.pk]}))
    assert len(found) == 5 and {r.v_plate for r in found} == {f"京A1234{i}" for i in range(5)}


# --- validation and the services ------------------------------------------------------


def test_cr10_filters_are_validated_with_400_naming_filters(store_bj, store_sh, group):
    other_group_model = make_model(group, "途观L")[0]
    with pytest.raises(ValidationError) as unknown:
        clean_filters(store=store_bj, filters={"colour": "red"})
    assert "filters" in unknown.value.message_dict
    assert "colour" in unknown.value.message_dict["filters"][0]
    with pytest.raises(ValidationError) as reversed_range:
        clean_filters(store=store_bj, filters={"age_min": 50, "age_max": 30})
    assert reversed_range.value.message_dict["filters"][0].startswith("age_max")
    with pytest.raises(ValidationError):
        clean_filters(store=store_bj, filters={"category": ["astronaut"]})
    assert clean_filters(store=store_bj, filters={
        "model": [other_group_model.pk], "spending_min": 1000, "district": "",
        "last_visit_before": "2026-01-31"}) == {
        "model": [other_group_model.pk], "spending_min": "1000",
        "last_visit_before": "2026-01-31"}


def test_cr10_segment_services_audit_and_refuse_deleting_a_used_segment(store_bj, desk,
                                                                        clock):
    from siwei.care.services.campaigns import campaign_create
    from siwei.core.models import AuditEvent

    segment = segment_create(actor=desk.agent, store=store_bj, name="车友会",
                             filters={"tags": "车友会"})
    segment_update(actor=desk.agent, segment=segment, filters={"tags": "车友会", "age_min": 20})
    assert Segment.objects.get().filters == {"tags": "车友会", "age_min": 20}
    campaign_create(actor=desk.agent, store=store_bj, name="活动", segment=segment,
                    template="{name}您好", send_at=clock.now())
    with pytest.raises(DomainError) as used:
        segment_delete(actor=desk.agent, segment=segment)
    assert used.value.code == "segment_in_use"
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "segment.create", "segment.update", "campaign.create"}


def test_cr10_segment_services_check_the_permission(store_bj, staff):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        segment_create(actor=staff("technician", store=store_bj), store=store_bj, name="x",
                       filters={})


# --- pages ----------------------------------------------------------------------------


def test_cr10_segment_pages_create_count_preview_masked(client, desk, store_bj, clock):
    from django.contrib.auth.models import Permission

    from siwei.core.models import Role, StoreRolePermission
    from siwei.core.permissions import forget_cached_permissions

    make_customer(store_bj, "王芳", "13912345678", category="owner_new", district="朝阳区")
    make_customer(store_bj, "李强", "13687654321", category="lost", district="海淀区")
    client.force_login(desk.agent)
    assert client.get(reverse("care:segments")).status_code == 200
    page = client.get(reverse("care:segment-new"))
    assert page.status_code == 200 and 'hx-get="' in page.content.decode()
    count = client.get(reverse("care:segment-count"), {"district": "朝阳"})
    assert 'data-count="1"' in count.content.decode()
    assert 'data-count="2"' in client.get(reverse("care:segment-count")).content.decode()
    response = client.post(reverse("care:segment-new"),
                           {"name": "朝阳车主", "category": ["owner_new"], "district": "朝阳"})
    segment = Segment.objects.get()
    assert response.status_code == 302 and segment.filters == {"category": ["owner_new"],
                                                               "district": "朝阳"}
    detail = client.get(reverse("care:segment", args=[segment.pk])).content.decode()
    assert "王芳" in detail and "李强" not in detail and "13912345678" in detail
    # Without the personal-data permission the mobile is masked.
    StoreRolePermission.objects.create(
        store=store_bj, role=Role.objects.get(code="customer_service"), granted=False,
        permission=Permission.objects.get(codename="view_personal_data"))
    forget_cached_permissions(desk.agent)
    detail = client.get(reverse("care:segment", args=[segment.pk])).content.decode()
    assert "139****5678" in detail and "13912345678" not in detail
    form = client.get(reverse("care:segment-edit", args=[segment.pk])).content.decode()
    assert 'value="朝阳"' in form and 'data-count="1"' in form
    edit = client.post(reverse("care:segment-edit", args=[segment.pk]),
                       {"name": "朝阳车主", "age_min": "50", "age_max": "20"})
    assert edit.status_code == 200 and Segment.objects.get().filters["district"] == "朝阳"


def test_cr10_segment_pages_need_the_permission_and_stay_in_the_store(client, staff, store_bj,
                                                                      store_sh, desk):
    other = segment_create(actor=staff("customer_service", store=store_sh), store=store_sh,
                           name="上海", filters={})
    client.force_login(desk.agent)
    assert client.get(reverse("care:segment", args=[other.pk])).status_code == 404
    client.force_login(staff("technician", store=store_bj))
    assert client.get(reverse("care:segments")).status_code == 403
    assert client.get(reverse("care:segment-new")).status_code == 403
