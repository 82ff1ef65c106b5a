"""FN-9 import jobs through the API and the pages: upload (dry run by default), the bad
rows with row, column and reason, confirm, large files as a background task with
progress (htmx polling), templates, permissions per kind (403) and store scoping."""

from __future__ import annotations

import io

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from openpyxl import load_workbook

from siwei.core.exports import XLSX_CONTENT_TYPE
from siwei.crm.models import Customer
from siwei.parts.models import Part
from siwei.reports.imports import services
from siwei.reports.imports.templates import template_sheets
from siwei.reports.models import ImportJob, ImportStatus

from .imports_helpers import catalog, csv_upload, media, xlsx_upload

pytestmark = pytest.mark.django_db
__all__ = ["catalog", "media"]
URL = "/api/v1/imports/"
PRICE_HEADERS = ["配件编号 Part number *", "配件名称 Name", "零售价 Retail price"]
PRICE_ROWS = [["06L115562B", "", "92"], ["1K0615301AA", "前刹车盘", "380"],
              ["5Q0698151A", "", "-5"], ["3C0129620", "", "66"]]


def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def parts_manager(staff, store_bj):
    return staff("parts_manager", store=store_bj)


@pytest.fixture
def sales_manager(staff, store_bj):
    return staff("sales_manager", store=store_bj)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return english(client)


def customers_file(n: int):
    return csv_upload(["姓名 Name", "手机号 Mobile"],
                      [[f"客户{i}", f"1391234{i:04d}"] for i in range(n)])


# --- API ---------------------------------------------------------------------------------------


def test_fn9_api_dry_run_lists_bad_rows_then_good_rows_only(api, parts_manager, store_bj,
                                                            catalog, media, clock):
    client = english(api(parts_manager, store_bj))
    response = client.post(URL, {"kind": "parts", "file": xlsx_upload(PRICE_HEADERS,
                                                                         PRICE_ROWS)},
                           format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "checked" and body["mode"] == "dry_run"
    assert (body["total_rows"], body["good_rows"], body["bad_rows"]) == (4, 2, 2)
    assert [(e["row"], e["column"], e["message"]) for e in body["errors"]] == [
        (4, "list_price", "The price cannot be negative."),
        (5, "name", "3C0129620 is a new part: enter its name.")]
    assert not Part.objects.filter(number="1K0615301AA").exists()

    confirm = f"{URL}{body['id']}/confirm/"
    refused = client.post(confirm, {"mode": "all_or_nothing"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "import_has_errors"
    done = client.post(confirm, {"mode": "good_rows_only"}, format="json")
    assert done.status_code == 200
    assert done.json()["status"] == "done" and done.json()["written_rows"] == 2
    assert Part.objects.filter(number="1K0615301AA").exists()
    again = client.post(confirm, {"mode": "good_rows_only"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    got = client.get(f"{URL}{body['id']}/")
    assert got.status_code == 200 and got.json()["created_count"] == 1


def test_fn9_api_all_or_nothing_upload_refused_writes_nothing(api, parts_manager, store_bj,
                                                              catalog, media, clock):
    response = api(parts_manager, store_bj).post(
        URL, {"kind": "parts", "mode": "all_or_nothing",
              "file": xlsx_upload(PRICE_HEADERS, PRICE_ROWS)}, format="multipart")
    assert response.status_code == 201
    assert response.json()["status"] == "refused"
    assert [e["row"] for e in response.json()["errors"]] == [4, 5]
    assert Part.objects.count() == 2


def test_fn9_api_unreadable_file_is_400_naming_file(api, parts_manager, store_bj, media):
    client = api(parts_manager, store_bj)
    bad = client.post(URL, {"kind": "parts", "file": xlsx_upload(["x"], [])},
                      format="multipart")
    assert bad.status_code == 400 and "file" in bad.json()
    broken = csv_upload(["a"], [])
    broken.name = "prices.xlsx"
    assert client.post(URL, {"kind": "parts", "file": broken},
                       format="multipart").status_code == 400
    assert client.post(URL, {"kind": "cars", "file": customers_file(1)},
                       format="multipart").status_code == 400
    damaged = xlsx_upload(PRICE_HEADERS, PRICE_ROWS)
    damaged.file = io.BytesIO(damaged.read()[:300])  # a zip cut short
    damaged.size = 300
    response = client.post(URL, {"kind": "parts", "file": damaged}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()
    assert not ImportJob.objects.exists()


def test_fn9_api_refuses_a_file_over_the_size_limit(api, parts_manager, store_bj, media,
                                                     settings):
    settings.SIWEI_IMPORT_MAX_BYTES = 1024
    big = csv_upload(PRICE_HEADERS, [[f"N{i:06d}", "螺栓", "1"] for i in range(200)])
    response = api(parts_manager, store_bj).post(URL, {"kind": "parts", "file": big},
                                                 format="multipart")
    assert response.status_code == 400 and "file" in response.json()
    assert not ImportJob.objects.exists()


def test_fn9_403_for_a_role_without_the_kind_permission(api, staff, store_bj, parts_manager,
                                                         sales_manager, catalog, media):
    consultant = staff("sales_consultant", store=store_bj)
    for user, kind in ((consultant, "customers"), (sales_manager, "parts"),
                       (sales_manager, "stock"), (parts_manager, "customers"),
                       (parts_manager, "vehicles")):
        response = api(user, store_bj).post(URL, {"kind": kind, "file": customers_file(1)},
                                            format="multipart")
        assert response.status_code == 403, (user, kind)
    assert api(consultant, store_bj).get(URL).status_code == 403
    assert not ImportJob.objects.exists() and not Customer.objects.exists()
    # Each sees only the kinds they may import, and only their store's jobs.
    api(sales_manager, store_bj).post(URL, {"kind": "customers", "file": customers_file(1)},
                                      format="multipart")
    assert api(sales_manager, store_bj).get(URL).json()["count"] == 1
    assert api(parts_manager, store_bj).get(URL).json()["count"] == 0


def test_fn9_confirm_needs_the_kind_permission(api, staff, store_bj, sales_manager, media,
                                               clock):
    job = services.import_job_create(actor=sales_manager, store=store_bj, kind="customers",
                                     mode="dry_run", file=customers_file(2))
    other = staff("sales_manager", store=store_bj)
    from siwei.core.models import Role, StoreRolePermission

    role = Role.objects.get(code="sales_manager")
    from django.contrib.auth.models import Permission

    StoreRolePermission.objects.create(
        store=store_bj, role=role, granted=False,
        permission=Permission.objects.get(codename="import_customers"))
    response = api(other, store_bj).post(f"{URL}{job.pk}/confirm/",
                                         {"mode": "all_or_nothing"}, format="json")
    assert response.status_code == 404  # the job of a kind one may not import is not shown
    with pytest.raises(PermissionDenied):
        services.import_job_confirm(actor=other, job=job, mode="all_or_nothing")
    assert not Customer.objects.exists()


def test_fn9_api_list_query_count(api, sales_manager, store_bj, media, clock,
                                  django_assert_max_num_queries):
    for _i in range(3):
        services.import_job_create(actor=sales_manager, store=store_bj, kind="customers",
                                   mode="dry_run", file=customers_file(2))
    client = api(sales_manager, store_bj)
    client.get(URL)
    with django_assert_max_num_queries(8):
        assert client.get(URL).json()["count"] == 3


# --- large files: background task with progress ---------------------------------------------


def test_fn9_large_file_runs_as_a_task_with_progress(api, sales_manager, store_bj, media,
                                                     clock, settings, monkeypatch,
                                                     django_capture_on_commit_callbacks):
    settings.SIWEI_IMPORT_INLINE_ROWS = 3
    settings.SIWEI_IMPORT_CHUNK_ROWS = 2
    seen = []
    original = services._progress

    def spy(job, processed):
        seen.append((processed, ImportJob.objects.get(pk=job.pk).status))
        original(job, processed)

    monkeypatch.setattr(services, "_progress", spy)
    client = api(sales_manager, store_bj)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(URL, {"kind": "customers", "mode": "all_or_nothing",
                                     "file": customers_file(5)}, format="multipart")
    assert response.status_code == 201
    assert response.json()["status"] == "queued" and response.json()["total_rows"] == 5
    assert len(callbacks) == 1 and not Customer.objects.exists()
    job_id = response.json()["id"]
    page = login(sales_manager).get(f"/reports/imports/{job_id}/progress/")
    assert 'data-percent="0"' in page.content.decode() and "hx-get" in page.content.decode()

    callbacks[0]()  # the commit enqueues the task; the test backend runs it at once
    assert seen == [(2, "running"), (4, "running"), (5, "running")]
    job = ImportJob.objects.get(pk=job_id)
    assert (job.status, job.processed_rows, job.percent, job.written_rows) == ("done", 5, 100,
                                                                               5)
    assert job.started_at is not None and job.finished_at is not None
    assert Customer.objects.count() == 5
    done = login(sales_manager).get(f"/reports/imports/{job_id}/progress/",
                                    headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true" and 'data-percent="100"' in done.content.decode()


def test_fn9_task_delivered_twice_runs_once(sales_manager, store_bj, media, clock, settings):
    settings.SIWEI_IMPORT_INLINE_ROWS = 0
    job = services.import_job_create(actor=sales_manager, store=store_bj, kind="customers",
                                     mode="all_or_nothing", file=customers_file(2))
    assert job.status == ImportStatus.QUEUED
    from siwei.reports.imports.tasks import run_import_job

    run_import_job.call(job_id=job.pk)
    run_import_job.call(job_id=job.pk)
    assert Customer.objects.count() == 2
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE


# --- pages and templates -------------------------------------------------------------------------


def test_fn9_pages_upload_dry_run_table_and_good_rows_only(parts_manager, store_bj, catalog,
                                                           media, clock,
                                                           django_assert_max_num_queries):
    client = login(parts_manager)
    index = client.get("/reports/imports/")
    assert index.status_code == 200
    html = index.content.decode()
    assert "/reports/imports/template/parts.xlsx" in html
    assert "template/customers.xlsx" not in html  # not a kind this role imports
    response = client.post("/reports/imports/", {
        "kind": "parts", "mode": "dry_run", "file": xlsx_upload(PRICE_HEADERS, PRICE_ROWS)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{job.pk}/")
    page = client.get(f"/reports/imports/{job.pk}/").content.decode()
    assert 'data-row="4" data-column="list_price"' in page
    assert 'data-row="5" data-column="name"' in page
    assert "The price cannot be negative." in page
    assert 'value="good_rows_only"' in page and 'value="all_or_nothing"' not in page
    bad_rows = client.get(f"/reports/imports/{job.pk}/bad-rows.xlsx")
    sheet = load_workbook(io.BytesIO(bad_rows.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [4, 5]
    confirmed = client.post(f"/reports/imports/{job.pk}/confirm/", {"mode": "good_rows_only"})
    assert confirmed.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.written_rows == 2
    with django_assert_max_num_queries(15):
        assert client.get("/reports/imports/").status_code == 200


def test_fn9_pages_are_403_without_permission(staff, store_bj, media):
    technician = login(staff("technician", store=store_bj))
    assert technician.get("/reports/imports/").status_code == 403
    assert technician.get("/reports/imports/template/parts.xlsx").status_code == 403


def test_fn9_page_upload_of_a_kind_not_allowed_is_403(sales_manager, store_bj, media):
    response = login(sales_manager).post("/reports/imports/", {
        "kind": "parts", "mode": "dry_run", "file": xlsx_upload(PRICE_HEADERS, PRICE_ROWS)})
    assert response.status_code == 200  # not offered as a choice: the form refuses it
    assert response.context["form"].errors["kind"]
    assert not ImportJob.objects.exists()


def test_fn9_templates_have_bilingual_headers_and_an_example_row_that_passes(
        api, staff, store_bj, group, media, clock):
    from siwei.crm.models import VehicleModel
    from siwei.parts.models import Location

    manager = staff("store_manager", store=store_bj)
    VehicleModel.objects.create(group=group, brand="大众", name="帕萨特")
    Location.objects.create(store=store_bj, code="A-01-1", zone="A", shelf=1, level=1)
    client = api(manager, store_bj)
    for kind in ("customers", "vehicles", "parts", "stock"):
        response = client.get(f"{URL}template/", {"kind": kind})
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == 2
        assert rows[0] == tuple(template_sheets(kind)[0][1])
    headers = template_sheets("customers")[0][1]
    assert "手机号 Mobile" in headers and "姓名/名称 Name *" in headers
    # The example rows are valid: uploaded in order, each kind's dry run passes.
    for kind in ("customers", "parts", "vehicles", "stock"):
        response = client.get(f"{URL}template/", {"kind": kind})
        upload = xlsx_upload([], [])
        upload.file = io.BytesIO(response.content)
        upload.size = len(response.content)
        job = services.import_job_create(actor=manager, store=store_bj, kind=kind,
                                         mode="all_or_nothing", file=upload)
        assert job.status == ImportStatus.DONE, (kind, job.errors)
    assert client.get(f"{URL}template/", {"kind": "x"}).status_code == 400
