"""CS-1 … CS-5: customers, vehicles, odometer, categories, search."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from siwei.core.errors import DomainError
from siwei.crm.models import CustomerCategory, LeadGrade, LeadSource, OdometerSource, Vehicle
from siwei.crm.selectors import classify, customer_search, vehicle_search
from siwei.crm.services import (
    customer_categories_recompute,
    customer_create,
    customer_merge,
    customer_set_vip,
    customer_update,
    lead_create,
    odometer_record,
    vehicle_create,
)
from tests.sales_factories import make_model, make_vin

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultant(staff, store_bj):
    return staff("sales_consultant", store=store_bj)


def test_cs1_person_needs_a_mobile_and_it_is_normalised(consultant, store_bj):
    with pytest.raises(ValidationError) as err:
        customer_create(actor=consultant, store=store_bj, name="张三")
    assert "mobile" in err.value.message_dict
    customer = customer_create(actor=consultant, store=store_bj, name="张三",
                               mobile="+86 138-0013-8000")
    assert customer.mobile == "13800138000" and customer.mobile_last4 == "8000"
    assert customer.name_pinyin == "zhangsan" and customer.name_initials == "zs"


def test_cs1_second_customer_with_same_mobile_is_refused_with_existing_id(
        consultant, store_bj, store_sh, staff):
    first = customer_create(actor=consultant, store=store_bj, name="张三", mobile="13800138000")
    with pytest.raises(DomainError) as err:
        customer_create(actor=consultant, store=store_bj, name="张叁", mobile="13800138000")
    assert err.value.code == "duplicate_customer" and err.value.extra["existing_id"] == first.pk
    # The mobile identifies the person in the whole group, not only in one store.
    other = staff("sales_consultant", store=store_sh)
    with pytest.raises(DomainError):
        customer_create(actor=other, store=store_sh, name="张三", mobile="13800138000")


def test_cs2_customer_fields_are_validated_naming_the_field(consultant, store_bj):
    with pytest.raises(ValidationError) as err:
        customer_create(actor=consultant, store=store_bj, name="李四", mobile="12345678901",
                        id_number="110105194912310021")
    assert set(err.value.message_dict) == {"mobile", "id_number"}
    with pytest.raises(ValidationError) as err:
        customer_create(actor=consultant, store=store_bj, kind="company", name="某公司",
                        credit_code="91110000600037341X")
    assert "credit_code" in err.value.message_dict


def test_cs2_birthday_and_gender_filled_from_resident_id(consultant, store_bj):
    customer = customer_create(actor=consultant, store=store_bj, name="王芳",
                               mobile="13900139000", id_number="11010519491231002x")
    assert customer.id_number == "11010519491231002X"
    assert customer.birthday == dt.date(1949, 12, 31) and customer.gender == "female"


def test_cs1_manager_merges_duplicates(staff, store_bj, consultant):
    manager = staff("sales_manager", store=store_bj)
    keep = customer_create(actor=consultant, store=store_bj, name="张三", mobile="13800138000")
    dup = customer_create(actor=consultant, store=store_bj, name="张三 (旧)", mobile="13800138001",
                          consent_sms=True)
    lead = lead_create(actor=consultant, store=store_bj, customer=dup, source="walk_in",
                       grade="B")
    with pytest.raises(DomainError):
        customer_merge(actor=consultant, keep=keep, duplicate=dup)
    customer_merge(actor=manager, keep=keep, duplicate=dup)
    lead.refresh_from_db()
    dup.refresh_from_db()
    keep.refresh_from_db()
    assert lead.customer_id == keep.pk and dup.merged_into_id == keep.pk
    assert keep.consent_sms and dup.mobile == ""


def test_cs2_vehicle_vin_check_digit_refused_with_expected_digit(consultant, store_bj):
    vin = make_vin(7)
    wrong = vin[:8] + ("0" if vin[8] != "0" else "1") + vin[9:]
    with pytest.raises(ValidationError) as err:
        vehicle_create(actor=consultant, store=store_bj, vin=wrong)
    assert vin[8] in " ".join(err.value.message_dict["vin"])


def test_cs2_vehicle_plate_validated_and_normalised(consultant, store_bj):
    with pytest.raises(ValidationError) as err:
        vehicle_create(actor=consultant, store=store_bj, vin=make_vin(1), plate="京A1234")
    assert "plate" in err.value.message_dict
    vehicle = vehicle_create(actor=consultant, store=store_bj, vin=make_vin(2).lower(),
                             plate="京a·d12345")
    assert vehicle.plate == "京AD12345" and vehicle.vin == make_vin(2)


def test_cs2_vin_fills_brand_and_model_year(consultant, store_bj):
    vehicle = vehicle_create(actor=consultant, store=store_bj, vin=make_vin(3))
    assert vehicle.model_year == 2023
    assert vehicle.brand  # from the WMI table (SAIC Volkswagen)


def test_cs3_warranty_from_sale_date_by_model_terms(consultant, store_bj):
    model, _trim = make_model(store_bj.group)
    vehicle = vehicle_create(actor=consultant, store=store_bj, vin=make_vin(4), model=model,
                             sale_date=dt.date(2026, 3, 1))
    assert vehicle.warranty_end == dt.date(2028, 2, 29)
    assert vehicle.warranty_km == 60000


def test_cs3_odometer_rollback_refused_unless_manager_gives_reason(consultant, staff, store_bj):
    vehicle = vehicle_create(actor=consultant, store=store_bj, vin=make_vin(5))
    odometer_record(actor=consultant, store=store_bj, vehicle=vehicle, km=12000,
                    source=OdometerSource.MANUAL)
    with pytest.raises(DomainError) as err:
        odometer_record(actor=consultant, store=store_bj, vehicle=vehicle, km=11000,
                        source=OdometerSource.SERVICE)
    assert err.value.code == "odometer_rollback" and err.value.extra["last_km"] == 12000
    with pytest.raises(DomainError) as err:
        odometer_record(actor=consultant, store=store_bj, vehicle=vehicle, km=100,
                        source=OdometerSource.SERVICE, rollback_reason="仪表更换")
    assert err.value.code == "approval_required"
    manager = staff("service_manager", store=store_bj)
    odometer_record(actor=manager, store=store_bj, vehicle=vehicle, km=100,
                    source=OdometerSource.SERVICE, rollback_reason="仪表更换")
    vehicle.refresh_from_db()
    assert vehicle.last_km == 100


def test_cs4_category_is_derived_from_data(consultant, store_bj, staff, clock):
    customer = customer_create(actor=consultant, store=store_bj, name="赵六", mobile="13700137000")
    assert customer.category == CustomerCategory.PROSPECT
    lead = lead_create(actor=consultant, store=store_bj, customer=customer,
                       source=LeadSource.WALK_IN, grade=LeadGrade.A)
    customer.refresh_from_db()
    assert customer.category == CustomerCategory.LEAD
    vehicle_create(actor=consultant, store=store_bj, vin=make_vin(6), owner=customer,
                   sale_date=clock.today(), selling_store=store_bj)
    customer.refresh_from_db()
    assert customer.category == CustomerCategory.OWNER_NEW
    # Thirteen months later with no service visit: churned (流失).
    clock.advance(days=400)
    assert customer_categories_recompute(store=store_bj) >= 1
    customer.refresh_from_db()
    assert customer.category == CustomerCategory.CHURNED
    odometer_record(actor=consultant, store=store_bj, vehicle=Vehicle.objects.get(owner=customer),
                    km=20000, source=OdometerSource.SERVICE)
    customer_categories_recompute(store=store_bj)
    customer.refresh_from_db()
    assert customer.category == CustomerCategory.OWNER_OLD
    assert lead.pk


def test_cs4_lost_and_vip_categories(consultant, store_bj, staff):
    from siwei.crm.services import lead_approve_loss, lead_request_loss

    manager = staff("sales_manager", store=store_bj)
    customer = customer_create(actor=consultant, store=store_bj, name="孙七", mobile="13600136000")
    lead = lead_create(actor=consultant, store=store_bj, customer=customer, source="phone",
                       grade="C")
    lead_request_loss(actor=consultant, lead=lead, reason="price")
    lead_approve_loss(actor=manager, lead=lead)
    customer.refresh_from_db()
    assert customer.category == CustomerCategory.LOST
    # Three referrals that became leads within 12 months make a VIP.
    referrer = customer_create(actor=consultant, store=store_bj, name="周八", mobile="13500135000")
    for i in range(3):
        friend = customer_create(actor=consultant, store=store_bj, name=f"朋友{i}",
                                 mobile=f"1350013510{i}")
        lead_create(actor=consultant, store=store_bj, customer=friend, source="referral",
                    grade="B", referrer=referrer)
    referrer.refresh_from_db()
    assert referrer.category == CustomerCategory.VIP
    with pytest.raises(DomainError):
        customer_set_vip(actor=consultant, customer=customer, vip=True, reason="大客户")
    customer_set_vip(actor=manager, customer=customer, vip=True, reason="集团大客户")
    customer.refresh_from_db()
    assert customer.category == CustomerCategory.VIP


def test_cs5_search_by_every_key(consultant, store_bj, store_sh, staff):
    customer = customer_create(actor=consultant, store=store_bj, name="张伟", mobile="13812345678")
    vin = make_vin(42)
    vehicle_create(actor=consultant, store=store_bj, vin=vin, plate="京A12345", owner=customer)
    other = staff("sales_consultant", store=store_sh)
    customer_create(actor=other, store=store_sh, name="张伟", mobile="13912345678")
    for query in ("13812345678", "5678", "京A12345", "京A", vin, vin[-6:], "张伟", "zhangwei",
                  "zw", "ZHANG"):
        found = list(customer_search(user=consultant, store=store_bj, query=query))
        assert found == [customer], query
    assert list(customer_search(user=consultant, store=store_bj, query="9999")) == []
    assert next(iter(vehicle_search(user=consultant, store=store_bj, query=vin[-6:]))).vin == vin


def test_cs5_search_classifies_the_query():
    assert [t.kind for t in classify("+86 138 1234 5678")] == ["mobile"]
    assert [t.kind for t in classify("1234")] == ["last4"]
    assert [t.kind for t in classify("沪B 12345")] == ["plate"]
    assert [t.kind for t in classify("lsvab2188p2000001")] == ["vin"]
    assert [t.kind for t in classify("000042")] == ["vin6", "plate_part"]
    assert [t.kind for t in classify("wangfang")] == ["pinyin"]
    assert classify("   ") == []


def test_customer_update_keeps_rules(consultant, store_bj):
    a = customer_create(actor=consultant, store=store_bj, name="甲", mobile="13800000001")
    customer_create(actor=consultant, store=store_bj, name="乙", mobile="13800000002")
    with pytest.raises(DomainError):
        customer_update(actor=consultant, customer=a, mobile="13800000002")
    updated = customer_update(actor=consultant, customer=a, name="甲甲", district="朝阳区")
    assert updated.name_pinyin == "jiajia" and updated.district == "朝阳区"


def test_cs4_nightly_task_recomputes_every_store(consultant, store_bj, store_sh, staff, clock):
    from siwei.crm.tasks import recompute_customer_categories

    owner = customer_create(actor=consultant, store=store_bj, name="钱九", mobile="13300133000")
    vehicle_create(actor=consultant, store=store_bj, vin=make_vin(77), owner=owner,
                   sale_date=clock.today(), selling_store=store_bj)
    owner.refresh_from_db()
    assert owner.category == CustomerCategory.OWNER_NEW
    clock.advance(days=366)
    result = recompute_customer_categories.enqueue()
    assert result.return_value == {"BJ01": 1, "SH01": 0}
    owner.refresh_from_db()
    assert owner.category == CustomerCategory.CHURNED
    # Running it again changes nothing.
    assert recompute_customer_categories.enqueue().return_value == {"BJ01": 0, "SH01": 0}
