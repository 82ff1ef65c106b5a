"""CR-5 (and CR-3, CR-7, CR-11) care settings: the store manager's page and the API
``care-settings/``; refusals name the field; other roles get 403; the reminders card."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from siwei.care.models import CareSettings, FollowUp, FollowUpKind, care_settings
from siwei.core.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = "/api/v1/care-settings/"


def form_data(**changes):
    data = {"maintenance_days_before": "14", "insurance_days_before": "60, 30",
            "warranty_days_before": "30", "lost_lead_revisit_months": "3",
            "complaint_csi_below": "60", "acknowledge_hours": "24", "resolve_hours": "48",
            "business_start": "08:30", "business_end": "18:00", "marketing_cap": "2"}
    data.update(changes)
    return data


def test_cr5_settings_page_saves_every_field(client, staff, store_bj):
    manager = staff("store_manager", store=store_bj)
    client.force_login(manager)
    url = reverse("care:settings")
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(maintenance_days_before="21",
                                          insurance_days_before="30，90, 60",
                                          business_hours_only="on", marketing_cap="4"))
    assert response.status_code == 302
    row = CareSettings.objects.get(store=store_bj)
    assert (row.maintenance_days_before, row.insurance_days_before, row.business_hours_only,
            row.marketing_cap) == (21, [90, 60, 30], True, 4)
    event = AuditEvent.objects.get(action="care_settings.update")
    assert event.after["maintenance_days_before"] == 21


@pytest.mark.parametrize(("changes", "field"), [
    ({"maintenance_days_before": "0"}, "maintenance_days_before"),
    ({"insurance_days_before": "60, abc"}, "insurance_days_before"),
    ({"insurance_days_before": "400"}, "insurance_days_before"),
    ({"resolve_hours": "24"}, "resolve_hours"),
    ({"business_end": "08:00"}, "business_end"),
    ({"complaint_csi_below": "120"}, "complaint_csi_below"),
    ({"lost_lead_revisit_months": "99"}, "lost_lead_revisit_months"),
])
def test_cr5_settings_page_refusals_name_the_field(client, staff, store_bj, changes, field):
    client.force_login(staff("store_manager", store=store_bj))
    response = client.post(reverse("care:settings"), form_data(**changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert care_settings(store_bj).maintenance_days_before == 14


def test_cr5_settings_page_is_the_store_managers(client, staff, store_bj):
    client.force_login(staff("customer_service", store=store_bj))
    assert client.get(reverse("care:settings")).status_code == 403


def test_cr5_settings_api_get_and_patch(api, staff, store_bj, store_sh):
    client = api(staff("store_manager", store=store_bj), store_bj)
    got = client.get(URL)
    assert got.status_code == 200
    assert got.json()["insurance_days_before"] == [60, 30]
    patched = client.patch(URL, {"warranty_days_before": 45, "insurance_days_before": [30]},
                           format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["warranty_days_before"] == 45
    assert care_settings(store_bj).insurance_days_before == [30]
    assert care_settings(store_sh).warranty_days_before == 30  # the other store is untouched
    bad = client.patch(URL, {"acknowledge_hours": 0}, format="json")
    assert bad.status_code == 400 and "acknowledge_hours" in bad.json()
    bad = client.patch(URL, {"business_start": "25:00"}, format="json")
    assert bad.status_code == 400 and "business_start" in bad.json()


def test_cr5_settings_api_refuses_other_roles(api, staff, store_bj):
    client = api(staff("customer_service", store=store_bj), store_bj)
    assert client.get(URL).status_code == 403
    assert client.patch(URL, {"warranty_days_before": 45}, format="json").status_code == 403


def test_cr5_reminders_card_counts_this_weeks_reminders_by_kind(client, staff, store_bj,
                                                                 clock):
    from siwei.crm.services import customer_create

    agent = staff("customer_service", store=store_bj)
    customer = customer_create(actor=staff("store_manager", store=store_bj), store=store_bj,
                               name="周敏", mobile="13700000001")
    tz = dt.timezone(dt.timedelta(hours=8))
    for day, kind in ((20, FollowUpKind.BIRTHDAY), (21, FollowUpKind.INSURANCE_EXPIRY),
                      (22, FollowUpKind.INSURANCE_EXPIRY), (30, FollowUpKind.BIRTHDAY)):
        FollowUp.objects.create(store=store_bj, kind=kind, customer=customer,
                                source_type="crm.customer", source_id=customer.pk,
                                due_at=dt.datetime(2026, 11, day, 10, 0, tzinfo=tz))
    client.force_login(agent)
    html = client.get(reverse("home")).content.decode()
    assert 'id="reminders-due"' in html
    # Week of Sunday 2026-11-22: Monday 16 … Sunday 22 (the 30th is next week).
    from siwei.care.selectors_reminders import reminders_due_by_kind

    rows = reminders_due_by_kind(store=store_bj, start=dt.date(2026, 11, 16),
                                 end=dt.date(2026, 11, 22))
    assert [(r["kind"], r["total"], r["overdue"]) for r in rows] == [
        (FollowUpKind.INSURANCE_EXPIRY, 2, 1), (FollowUpKind.BIRTHDAY, 1, 1)]
