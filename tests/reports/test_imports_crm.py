"""FN-9 import of customers and vehicles (CS-1 … CS-3): the same validators as the pages
(mobile, resident ID, VIN check digit, plate), duplicate mobiles refused against the
database and inside the file, CSV in GBK (Chinese Excel) and UTF-8 with a BOM."""

from __future__ import annotations

import pytest
from django.utils import translation

from siwei.crm.models import Customer, Vehicle, VehicleModel
from siwei.crm.services.customers import customer_create
from siwei.reports.imports.services import import_job_create
from siwei.reports.models import ImportStatus

from .imports_helpers import csv_upload, errors_of, media, xlsx_upload

pytestmark = pytest.mark.django_db
__all__ = ["media"]

CUSTOMER_HEADERS = ["类型 Kind", "姓名/名称 Name *", "手机号 Mobile", "性别 Gender",
                    "身份证号 Resident ID", "地址 Address"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def manager(staff, store_bj):
    return staff("sales_manager", store=store_bj)


def test_fn9_customers_from_gbk_csv(manager, store_bj, media, clock):
    rows = [["个人", "王建国", "139 1234 5678", "男", "", "北京市朝阳区望京街10号"],
            ["公司", "北京顺达物流有限公司", "", "", "", "北京市大兴区"],
            ["", "李秀英", "+86 13698765432", "", "11010519491231002X", ""]]
    upload = csv_upload(CUSTOMER_HEADERS, rows, "客户.csv", encoding="gbk")
    job = import_job_create(actor=manager, store=store_bj, kind="customers",
                            mode="all_or_nothing", file=upload)
    assert job.status == ImportStatus.DONE, job.errors
    wang = Customer.objects.get(name="王建国")
    assert (wang.mobile, wang.gender, wang.address) == ("13912345678", "male",
                                                         "北京市朝阳区望京街10号")
    assert Customer.objects.get(name="北京顺达物流有限公司").kind == "company"
    li = Customer.objects.get(mobile="13698765432")
    assert str(li.birthday) == "1949-12-31" and li.gender == "female"  # from the ID (CS-2)


def test_fn9_customers_from_utf8_csv_with_bom(manager, store_bj, media, clock):
    upload = csv_upload(CUSTOMER_HEADERS, [["个人", "赵磊", "13511112222", "", "", ""]],
                        encoding="utf-8-sig")
    job = import_job_create(actor=manager, store=store_bj, kind="customers",
                            mode="all_or_nothing", file=upload)
    assert job.status == ImportStatus.DONE
    assert Customer.objects.filter(name="赵磊", mobile="13511112222").exists()


def test_fn9_duplicate_mobile_refused_against_database_and_within_file(
        manager, store_bj, store_sh, media, clock):
    customer_create(actor=None, store=store_sh, name="张伟", mobile="13800138000")
    rows = [["个人", "张伟(重复)", "138-0013-8000", "", "", ""],   # row 2: in the group already
            ["个人", "陈静", "13711112222", "", "", ""],          # row 3
            ["个人", "陈静2", "13711112222", "", "", ""],         # row 4: same as row 3
            ["个人", "刘洋", "12345", "", "", ""],                # row 5: not a mobile
            ["个人", "孙丽", "13722223333", "", "110105194912310021", ""],  # row 6: bad ID
            ["个人", "周杰", "", "", "", ""],                     # row 7: person without mobile
            ["人", "吴敏", "13733334444", "", "", ""]]            # row 8: unknown kind
    job = import_job_create(actor=manager, store=store_bj, kind="customers",
                            mode="dry_run", file=xlsx_upload(CUSTOMER_HEADERS, rows))
    assert errors_of(job) == [(2, "mobile"), (4, "mobile"), (5, "mobile"), (6, "id_number"),
                              (7, "mobile"), (8, "kind")]
    messages = {e["row"]: e["message"] for e in job.errors}
    assert messages[2] == "张伟 already has this mobile number; use that customer."
    assert messages[4] == "Same as row 3 of this file."
    assert "11 digits" in messages[5]
    assert job.good_rows == 1
    assert Customer.objects.count() == 1  # dry run: nothing written


VEHICLE_HEADERS = ["车架号 VIN *", "车牌号 Plate", "品牌 Brand", "车型 Model", "销售日期 Sale date",
                   "本店销售 Sold by us", "车主手机号 Owner mobile"]


def test_fn9_vehicles_checked_like_the_pages(manager, store_bj, group, media, clock):
    VehicleModel.objects.create(group=group, brand="大众", name="帕萨特")
    owner = customer_create(actor=None, store=store_bj, name="王建国", mobile="13912345678")
    rows = [
        ["LSVAU218XN2183294", "京A·12345", "", "帕萨特", "2022-05-18", "是", "13912345678"],
        ["LSVAU2180N2183294", "", "", "", "", "", ""],            # row 3: wrong check digit
        ["LFV2A21K0N3000001", "京12345", "", "", "", "", ""],      # row 4: bad plate
        ["LSVCC2A40N2000123", "", "", "朗逸", "", "", ""],         # row 5: unknown model
        ["LSVAU218XN2183294", "", "", "", "", "", ""],            # row 6: same VIN as row 2
        ["LSGPC52U9PF000111", "", "", "", "", "否", "13900000000"],  # row 7: unknown owner
    ]
    job = import_job_create(actor=manager, store=store_bj, kind="vehicles", mode="dry_run",
                            file=xlsx_upload(VEHICLE_HEADERS, rows))
    assert errors_of(job) == [(3, "vin"), (4, "plate"), (5, "model"), (6, "vin"),
                              (7, "owner_mobile")]
    messages = {e["row"]: e["message"] for e in job.errors}
    assert messages[3] == "VIN check digit is 0, expected X."
    assert "朗逸" in messages[5]
    assert messages[6] == "Same as row 2 of this file."
    assert not Vehicle.objects.exists()
    # The good row alone is imported, with the normalised plate, the model and the owner.
    from siwei.reports.imports.services import import_job_confirm

    job = import_job_confirm(actor=manager, job=job, mode="good_rows_only")
    assert job.status == ImportStatus.DONE and job.written_rows == 1
    vehicle = Vehicle.objects.get()
    assert (vehicle.vin, vehicle.plate, vehicle.model.name) == ("LSVAU218XN2183294",
                                                                "京A12345", "帕萨特")
    assert vehicle.owner == owner and vehicle.selling_store == store_bj
    assert vehicle.warranty_end is not None  # from the sale date, as vehicle_create does


def test_fn9_existing_vin_in_database_is_a_bad_row(manager, store_bj, media, clock):
    from siwei.crm.services.vehicles import vehicle_create

    vehicle_create(actor=None, store=store_bj, vin="LFV2A21K0N3000001")
    job = import_job_create(actor=manager, store=store_bj, kind="vehicles", mode="dry_run",
                            file=xlsx_upload(["VIN"], [["lfv2a21k0n3000001"]]))
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [
        (2, "vin", "A vehicle with this VIN exists.")]
