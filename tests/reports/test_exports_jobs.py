"""FN-10 store data export jobs: started from the page or the API (``exports/``) by a
store manager or the group admin only, written in the background (enqueued on commit),
downloadable when ready; starting and downloading are audited (personal data)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from siwei.core.models import AuditEvent
from siwei.crm.models import Customer
from siwei.reports.exports import services
from siwei.reports.models import ExportStatus, StoreExport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.SIWEI_EXPORT_DIR = tmp_path / "exports"
    return settings.SIWEI_EXPORT_DIR


@pytest.fixture
def manager(staff, store_bj):
    return staff("store_manager", store=store_bj)


@pytest.fixture
def customer(store_bj):
    return Customer.objects.create(store=store_bj, group=store_bj.group, name="王建国",
                                   mobile="13912345678")


def _zip_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_fn10_api_starts_an_export_and_downloads_it_when_ready(
        api, manager, store_bj, store_sh, customer, clock,
        django_capture_on_commit_callbacks):
    client = api(manager, store_bj)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/api/v1/exports/", {}, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued" and len(callbacks) == 1
    export = StoreExport.objects.get()
    assert export.status == ExportStatus.DONE and export.row_count > 0

    status = client.get(f"/api/v1/exports/{export.pk}/").json()
    assert status["status"] == "done" and status["download_url"].endswith(
        f"/api/v1/exports/{export.pk}/download/")
    download = client.get(f"/api/v1/exports/{export.pk}/download/")
    assert download.status_code == 200
    archive = _zip_of(download)
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["store"]["code"] == "BJ01"
    rows = archive.read("tables/crm.customer.jsonl").decode().splitlines()
    assert [json.loads(r)["mobile"] for r in rows] == ["13912345678"]  # the full data
    actions = list(AuditEvent.objects.filter(store=store_bj, action__startswith="store_data.")
                   .values_list("action", "actor"))
    assert sorted(actions) == [("store_data.download", manager.pk),
                               ("store_data.export", manager.pk)]
    # Another store's jobs are not visible from BJ01.
    assert client.get("/api/v1/exports/").json()["count"] == 1
    assert api(manager, store_bj).get("/api/v1/exports/", HTTP_X_STORE="SH01").status_code == 403


def test_fn10_one_export_at_a_time_and_not_ready_is_409(api, manager, store_bj, clock):
    client = api(manager, store_bj)
    first = client.post("/api/v1/exports/", {}, format="json")  # queued: not run (no commit)
    assert first.status_code == 202
    second = client.post("/api/v1/exports/", {}, format="json")
    assert second.status_code == 409 and second.json()["code"] == "export_running"
    download = client.get(f"/api/v1/exports/{first.json()['id']}/download/")
    assert download.status_code == 409 and download.json()["code"] == "export_not_ready"


@pytest.mark.parametrize("role", ["sales_manager", "service_advisor", "cashier"])
def test_fn10_other_roles_may_not_export(api, staff, store_bj, role, client):
    user = staff(role, store=store_bj)
    assert api(user, store_bj).post("/api/v1/exports/", {}, format="json").status_code == 403
    assert api(user, store_bj).get("/api/v1/exports/").status_code == 403
    client.force_login(user)
    assert client.get(reverse("reports:exports")).status_code == 403
    assert not StoreExport.objects.exists()


def test_fn10_group_admin_may_export(api, staff, store_bj):
    admin = staff("group_admin", store=store_bj)
    assert services.may_export(admin, store_bj)


def test_fn10_page_starts_lists_and_downloads(client, manager, store_bj, customer, clock,
                                             django_capture_on_commit_callbacks,
                                             django_assert_max_num_queries):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:export-start"))
    assert response.status_code == 302
    export = StoreExport.objects.get()
    with django_assert_max_num_queries(25):
        page = client.get(reverse("reports:exports"))
    assert page.status_code == 200
    url = reverse("reports:export-download", args=[export.pk])
    assert url in page.content.decode()
    download = client.get(url)
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert "manifest.json" in _zip_of(download).namelist()


def test_fn10_a_failed_export_records_the_reason(manager, store_bj, clock, monkeypatch,
                                                 django_capture_on_commit_callbacks):
    def broken(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(services, "write_store_export", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.store_export_start(actor=manager, store=store_bj)
    export = StoreExport.objects.get()
    assert export.status == ExportStatus.FAILED and "disk full" in export.failure
    assert not list(services.export_dir().glob("**/*.part"))
