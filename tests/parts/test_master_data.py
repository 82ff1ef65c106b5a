"""Master data (PT-1 parts, PT-2 suppliers, PT-3 locations): services with permission
checks, validation naming the field, audit of price changes; and the manager's pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from siwei.core.errors import DomainError
from siwei.core.models import AuditEvent
from siwei.parts.models import AttributeClass, Location, LocationKind, Part, Supplier
from siwei.parts.services import (
    location_create,
    location_update,
    part_create,
    part_update,
    stocktake_create,
    supplier_create,
    supplier_delete,
    supplier_update,
)
from tests.factories import DealerGroupFactory, StoreFactory

from .conftest import make_location

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(staff, store_bj):
    return staff("parts_manager", store=store_bj)


@pytest.fixture
def clerk(staff, store_bj):
    return staff("parts_clerk", store=store_bj)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def field_errors(exc) -> set[str]:
    return set(exc.value.message_dict)


# --- PT-1 parts ----------------------------------------------------------------------

def test_pt1_part_create_keeps_every_master_field(manager, store_bj, group, supplier, part):
    created = part_create(
        actor=manager, store=store_bj, group=group, number=" 1k0819644b ", name="空调滤芯",
        brand="大众", category="滤清器", unit="个", compatible_models="速腾 迈腾",
        cost=Decimal("60"), list_price=Decimal("120"), warranty_price=Decimal("70"),
        insurance_price=Decimal("110"), attribute_class=AttributeClass.A, order_cycle_days=14,
        lead_time_days=5, is_key_part=True, is_accessory=True, superseded_by=part,
        pack_size=Decimal("10"), default_supplier=supplier)
    created.refresh_from_db()
    assert created.number == "1K0819644B" and created.name_initials == "ktlx"
    assert (created.attribute_class, created.order_cycle_days, created.lead_time_days,
            created.pack_size) == ("A", 14, 5, Decimal("10.000"))
    assert created.is_key_part and created.is_accessory
    assert (created.superseded_by, created.default_supplier) == (part, supplier)
    assert (created.cost, created.list_price, created.warranty_price,
            created.insurance_price) == (Decimal("60.00"), Decimal("120.00"),
                                         Decimal("70.00"), Decimal("110.00"))
    event = AuditEvent.objects.get(action="parts.part_create")
    assert event.after["list_price"] == "120.00"


def test_pt1_part_create_needs_the_permission(clerk, store_bj, group):
    with pytest.raises(PermissionDenied):
        part_create(actor=clerk, store=store_bj, group=group, number="X1", name="X")
    assert not Part.objects.filter(number="X1").exists()


def test_pt1_part_validation_names_the_field(manager, store_bj, group, part):
    with pytest.raises(ValidationError) as exc:
        part_create(actor=manager, store=store_bj, group=group, number=part.number, name="重复")
    assert field_errors(exc) == {"number"}
    with pytest.raises(ValidationError) as exc:
        part_create(actor=manager, store=store_bj, group=group, number="N1", name="负价",
                    list_price=Decimal("-1"), cost="abc")
    assert field_errors(exc) == {"list_price", "cost"}
    with pytest.raises(ValidationError) as exc:
        part_create(actor=manager, store=store_bj, group=group, number="N2", name="",
                    attribute_class="Z", pack_size=Decimal("0"), order_cycle_days=-1)
    assert {"name", "attribute_class", "pack_size", "order_cycle_days"} <= field_errors(exc)


def test_pt1_part_refuses_references_of_another_group_and_supersession_loops(
        manager, store_bj, group, part):
    other = DealerGroupFactory(code="OTHER", name="另一集团")
    foreign_supplier = Supplier.objects.create(group=other, name="外部供应商")
    foreign_part = Part.objects.create(group=other, number="F1", name="外部件")
    with pytest.raises(ValidationError) as exc:
        part_create(actor=manager, store=store_bj, group=group, number="N3", name="件",
                    default_supplier=foreign_supplier)
    assert field_errors(exc) == {"default_supplier"}
    with pytest.raises(ValidationError) as exc:
        part_update(actor=manager, store=store_bj, part=part, superseded_by=foreign_part)
    assert field_errors(exc) == {"superseded_by"}
    newer = part_create(actor=manager, store=store_bj, group=group, number="N4", name="新件",
                        superseded_by=part)
    with pytest.raises(ValidationError) as exc:  # part → newer → part would loop
        part_update(actor=manager, store=store_bj, part=part, superseded_by=newer)
    assert field_errors(exc) == {"superseded_by"}
    with pytest.raises(ValidationError) as exc:
        part_update(actor=manager, store=store_bj, part=part, superseded_by=part)
    assert field_errors(exc) == {"superseded_by"}


def test_pt1_part_update_audits_price_changes_before_and_after(manager, clerk, store_bj,
                                                               part):
    with pytest.raises(PermissionDenied):
        part_update(actor=clerk, store=store_bj, part=part, list_price=Decimal("1"))
    part_update(actor=manager, store=store_bj, part=part, list_price="95", name="机油滤清器",
                lead_time_days=4)
    part.refresh_from_db()
    assert (part.list_price, part.lead_time_days) == (Decimal("95.00"), 4)
    event = AuditEvent.objects.get(action="parts.part_update")
    assert event.before == {"list_price": "88.00", "lead_time_days": 3}
    assert event.after == {"list_price": "95.00", "lead_time_days": 4}
    part_update(actor=manager, store=store_bj, part=part, list_price=Decimal("95.00"))
    assert AuditEvent.objects.filter(action="parts.part_update").count() == 1  # no change


# --- PT-2 suppliers ------------------------------------------------------------------

def test_pt2_supplier_create_update_and_permission(manager, clerk, store_bj, group, supplier):
    with pytest.raises(PermissionDenied):
        supplier_create(actor=clerk, store=store_bj, group=group, name="博世")
    bosch = supplier_create(actor=manager, store=store_bj, group=group, name=" 博世汽车配件 ",
                            kind="other", contact="王经理", phone="010-88886666",
                            payment_terms="月结30天", lead_time_days=5)
    assert bosch.name == "博世汽车配件" and bosch.kind == "other"
    with pytest.raises(ValidationError) as exc:
        supplier_create(actor=manager, store=store_bj, group=group, name=supplier.name)
    assert field_errors(exc) == {"name"}
    with pytest.raises(ValidationError) as exc:
        supplier_create(actor=manager, store=store_bj, group=group, name="", kind="xx")
    assert field_errors(exc) == {"name", "kind"}
    with pytest.raises(PermissionDenied):
        supplier_update(actor=clerk, store=store_bj, supplier=bosch, lead_time_days=2)
    supplier_update(actor=manager, store=store_bj, supplier=bosch, lead_time_days=2,
                    is_active=False)
    bosch.refresh_from_db()
    assert (bosch.lead_time_days, bosch.is_active) == (2, False)
    event = AuditEvent.objects.get(action="parts.supplier_update")
    assert event.before == {"lead_time_days": 5, "is_active": True}


def test_pt2_supplier_in_use_is_not_deleted(manager, store_bj, group, supplier, part):
    with pytest.raises(DomainError) as exc:
        supplier_delete(actor=manager, store=store_bj, supplier=supplier)
    assert exc.value.code == "supplier_in_use"
    typo = supplier_create(actor=manager, store=store_bj, group=group, name="打错的名字")
    supplier_delete(actor=manager, store=store_bj, supplier=typo)
    assert not Supplier.objects.filter(pk=typo.pk).exists()
    assert AuditEvent.objects.filter(action="parts.supplier_delete").exists()


# --- PT-3 locations ------------------------------------------------------------------

def test_pt3_location_code_is_zone_shelf_level_and_kinds_are_checked(manager, clerk,
                                                                     store_bj):
    with pytest.raises(PermissionDenied):
        location_create(actor=clerk, store=store_bj, code="A-01-1")
    location = location_create(actor=manager, store=store_bj, code="b-12-3",
                               kind=LocationKind.RESERVE)
    assert (location.code, location.zone, location.shelf, location.level) == ("B-12-3", "B",
                                                                              12, 3)
    for bad in ("B12", "B-1", "1-2-3", "ABCD-1-1"):
        with pytest.raises(ValidationError) as exc:
            location_create(actor=manager, store=store_bj, code=bad)
        assert field_errors(exc) == {"code"}, bad
    with pytest.raises(ValidationError) as exc:
        location_create(actor=manager, store=store_bj, code="B-12-3")
    assert field_errors(exc) == {"code"}
    with pytest.raises(ValidationError) as exc:  # in transit is kept by the system
        location_create(actor=manager, store=store_bj, code="T-01-1", kind=LocationKind.TRANSIT)
    assert field_errors(exc) == {"kind"}


def test_pt3_location_update_renames_retypes_and_deactivates_only_when_empty(
        manager, clerk, store_bj, part, shelf, shelf2, stock_in, clock):
    stock_in(store_bj, part, 2, "40.00", shelf)
    with pytest.raises(PermissionDenied):
        location_update(actor=clerk, location=shelf2, is_active=False)
    location_update(actor=manager, location=shelf2, code="c-05-2", kind=LocationKind.INSPECTION)
    shelf2.refresh_from_db()
    assert (shelf2.code, shelf2.zone, shelf2.shelf, shelf2.level, shelf2.kind) == (
        "C-05-2", "C", 5, 2, LocationKind.INSPECTION)
    location_update(actor=manager, location=shelf2, is_active=False)
    shelf2.refresh_from_db()
    assert not shelf2.is_active
    location_update(actor=manager, location=shelf2, is_active=True)
    for change in ({"is_active": False}, {"kind": LocationKind.NONCONFORMING}):
        with pytest.raises(DomainError) as exc:  # holds stock: on hand would be wrong
            location_update(actor=manager, location=shelf, **change)
        assert exc.value.code == "location_not_empty"
    location_update(actor=manager, location=shelf, code="A-01-9")  # relabel is fine
    with pytest.raises(ValidationError) as exc:
        location_update(actor=manager, location=shelf, code=shelf2.code)
    assert field_errors(exc) == {"code"}
    assert AuditEvent.objects.filter(action="parts.location_update").count() == 4


def test_pt3_a_location_being_counted_is_not_changed(manager, store_bj, part, shelf, stock_in,
                                                     clock):
    stock_in(store_bj, part, 2, "40.00", shelf)
    empty = make_location(store_bj, "A-09-1")
    stocktake_create(actor=None, store=store_bj, locations=[shelf, empty])
    with pytest.raises(DomainError) as exc:
        location_update(actor=manager, location=empty, kind=LocationKind.RESERVE)
    assert exc.value.code == "location_frozen"


# --- Pages ---------------------------------------------------------------------------

def test_pt1_manager_creates_and_edits_a_part_on_its_page(manager, store_bj, supplier, part):
    client = login(manager)
    assert client.get("/parts/part/new/").status_code == 200
    form = {"number": "5Q0 615 301 F", "name": "前制动盘", "brand": "大众", "category": "制动",
            "unit": "个", "compatible_models": "高尔夫", "cost": "300", "list_price": "580",
            "warranty_price": "350", "insurance_price": "560", "attribute_class": "B",
            "order_cycle_days": "7", "lead_time_days": "3", "pack_size": "2",
            "default_supplier": supplier.pk, "superseded_by": "", "is_key_part": "on"}
    bad = client.post("/parts/part/new/", {**form, "number": part.number, "cost": "-1",
                                           "superseded_by": "NOPE"})
    content = bad.content.decode()
    assert bad.status_code == 200 and "NOPE" in content
    response = client.post("/parts/part/new/", form)
    created = Part.objects.get(number="5Q0 615 301 F")
    assert response.status_code == 302 and response["Location"] == f"/parts/part/{created.pk}/"
    assert created.is_key_part and created.pack_size == 2
    duplicate = client.post("/parts/part/new/", form)
    assert duplicate.status_code == 200 and "5Q0 615 301 F" in duplicate.content.decode()
    page = client.get(f"/parts/part/{created.pk}/edit/").content.decode()
    assert 'value="5Q0 615 301 F"' in page
    edit = {**form, "list_price": "599", "superseded_by": part.number}
    assert client.post(f"/parts/part/{created.pk}/edit/", edit).status_code == 302
    created.refresh_from_db()
    assert (created.list_price, created.superseded_by) == (Decimal("599.00"), part)
    event = AuditEvent.objects.get(action="parts.part_update")
    assert event.before["list_price"] == "580.00" and event.after["list_price"] == "599.00"
    detail = client.get(f"/parts/part/{created.pk}/").content.decode()
    assert f"/parts/part/{created.pk}/edit/" in detail and part.number in detail


def test_pt1_part_pages_check_permission_and_group(clerk, manager, store_bj, part):
    assert login(clerk).get("/parts/part/new/").status_code == 403
    assert login(clerk).get(f"/parts/part/{part.pk}/edit/").status_code == 403
    assert "/parts/part/new/" not in login(clerk).get("/parts/").content.decode()
    assert "/parts/part/new/" in login(manager).get("/parts/").content.decode()
    other = DealerGroupFactory(code="OTHER", name="另一集团")
    foreign = Part.objects.create(group=other, number="F1", name="外部件")
    assert login(manager).get(f"/parts/part/{foreign.pk}/edit/").status_code == 404


def test_pt2_supplier_pages_list_create_and_edit(manager, clerk, store_bj, supplier):
    client = login(manager)
    listing = client.get("/parts/suppliers/").content.decode()
    assert supplier.name in listing and "/parts/suppliers/new/" in listing
    bad = client.post("/parts/suppliers/new/", {"name": supplier.name, "kind": "oem",
                                                "lead_time_days": "3"})
    assert bad.status_code == 200 and "invalid-feedback" in bad.content.decode()
    assert client.post("/parts/suppliers/new/", {"name": "博世", "kind": "other",
                                                 "lead_time_days": "4",
                                                 "is_active": "on"}).status_code == 302
    bosch = Supplier.objects.get(name="博世")
    assert client.post(f"/parts/suppliers/{bosch.pk}/edit/", {
        "name": "博世", "kind": "other", "lead_time_days": "6", "contact": "王经理"}
    ).status_code == 302
    bosch.refresh_from_db()
    assert (bosch.lead_time_days, bosch.contact, bosch.is_active) == (6, "王经理", False)
    assert client.get("/parts/suppliers/", {"format": "xlsx"}).status_code == 200
    assert client.get("/parts/suppliers/", {"active": "0"}).content.decode().count("博世") >= 1
    clerk_page = login(clerk).get("/parts/suppliers/").content.decode()  # may look, not edit
    assert supplier.name in clerk_page and "/edit/" not in clerk_page
    assert login(clerk).get(f"/parts/suppliers/{bosch.pk}/edit/").status_code == 403


def test_pt3_location_pages_create_edit_deactivate(manager, clerk, store_bj, store_sh, part,
                                                   shelf, stock_in, clock):
    stock_in(store_bj, part, 3, "40.00", shelf)
    client = login(manager)
    page = client.get("/parts/locations/").content.decode()
    assert "A-01-1" in page and "disabled" in page  # holding stock: no deactivation
    bad = client.post("/parts/locations/", {"code": "shelf 3", "kind": "normal"})
    assert bad.status_code == 200 and "A-03-2" in bad.content.decode()  # the hint
    assert client.post("/parts/locations/", {"code": "r-01-2", "kind": "reserve"}
                       ).status_code == 302
    reserve = Location.objects.get(store=store_bj, code="R-01-2")
    assert reserve.kind == LocationKind.RESERVE
    assert client.post(f"/parts/locations/{reserve.pk}/edit/", {
        "code": "R-01-3", "kind": "reserve"}).status_code == 302
    client.post(f"/parts/locations/{reserve.pk}/active/", {"active": "0"})
    reserve.refresh_from_db()
    assert (reserve.code, reserve.is_active) == ("R-01-3", False)
    refused = client.post(f"/parts/locations/{shelf.pk}/active/", {"active": "0"}, follow=True)
    shelf.refresh_from_db()
    assert shelf.is_active and "A-01-1" in refused.content.decode()
    retype = client.post(f"/parts/locations/{shelf.pk}/edit/", {"code": "A-01-1",
                                                                "kind": "inspection"})
    assert retype.status_code == 200
    shelf.refresh_from_db()
    assert shelf.kind == LocationKind.NORMAL
    assert client.get("/parts/locations/", {"format": "xlsx"}).status_code == 200
    sh_location = make_location(store_sh, "S-01-1")
    assert client.get(f"/parts/locations/{sh_location.pk}/edit/").status_code == 404
    assert login(clerk).post("/parts/locations/", {"code": "A-05-1",
                                                   "kind": "normal"}).status_code == 403
    assert login(clerk).get("/parts/locations/").status_code == 200


def test_master_data_pages_are_in_the_parts_managers_menu(manager, clerk):
    menu = login(manager).get("/").content.decode()
    assert "/parts/suppliers/" in menu and "/parts/locations/" in menu
    assert "/parts/suppliers/" not in login(clerk).get("/").content.decode()


def test_master_data_pages_do_not_query_per_row(manager, store_bj, group,
                                                django_assert_max_num_queries):
    for i in range(30):
        Supplier.objects.create(group=group, name=f"供应商{i:02d}")
        make_location(store_bj, f"D-{i + 1:02d}-1")
    other_store = StoreFactory(group=group, code="GZ01")
    make_location(other_store, "G-01-1")
    client = login(manager)
    with django_assert_max_num_queries(20):
        assert client.get("/parts/suppliers/").status_code == 200
    with django_assert_max_num_queries(20):
        page = client.get("/parts/locations/").content.decode()
    assert "D-30-1" in page and "G-01-1" not in page
