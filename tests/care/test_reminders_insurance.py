"""CR-5 insurance renewals: recording a renewal (through us or elsewhere), the renewal
rate 续保率 = renewed through us / expiring per month (figures by hand), the page, its
.xlsx and the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from siwei.care.models import FollowUp, FollowUpKind, FollowUpStatus, InsuranceRenewal
from siwei.care.selectors_reminders import renewal_rates
from siwei.care.services.insurance import insurance_renewal_record
from siwei.core.models import AuditEvent
from siwei.crm.models import Vehicle
from siwei.crm.services import customer_create, vehicle_create
from tests.sales_factories import make_vin

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture
def fleet(staff, store_bj, clock):
    """Six insured cars of BJ01 expiring in October and November 2026."""
    manager = staff("store_manager", store=store_bj)
    owner = customer_create(actor=manager, store=store_bj, name="孙丽", mobile="13900000001")
    cars = {}
    for serial, (plate, expiry) in enumerate([
            ("京B00001", "2026-10-05"), ("京B00002", "2026-10-20"), ("京B00003", "2026-10-28"),
            ("京B00004", "2026-11-10"), ("京B00005", "2026-11-30"), ("京B00006", "2026-11-25")],
            start=7001):
        cars[plate[-1]] = vehicle_create(actor=manager, store=store_bj, vin=make_vin(serial),
                                         plate=plate, owner=owner, insurance_company="人保",
                                         insurance_expiry=d(expiry))
    return manager, cars


def renew(actor, vehicle, *, through_us=True, until=None, company="平安保险"):
    vehicle.refresh_from_db()
    return insurance_renewal_record(
        actor=actor, vehicle=vehicle, company=company, through_us=through_us,
        new_expiry=until or (vehicle.insurance_expiry + dt.timedelta(days=365)))


def test_cr5_renewal_rate_is_renewed_through_us_over_expiring_by_month(fleet, store_bj):
    manager, cars = fleet
    renew(manager, cars["1"])  # October, through us
    renew(manager, cars["2"], through_us=False)  # October, elsewhere
    # car 3 (October) is not renewed
    renew(manager, cars["4"])  # November, through us
    renew(manager, cars["5"])  # November, through us
    # car 6 (November) is not renewed yet
    months = renewal_rates(store=store_bj, first=d("2026-09-01"), last=d("2026-11-30"))
    assert [(m.month, m.expiring, m.through_us, m.elsewhere, m.not_renewed, m.rate)
            for m in months] == [
        (d("2026-09-01"), 0, 0, 0, 0, None),
        (d("2026-10-01"), 3, 1, 1, 1, Decimal("33.3")),   # 1 / 3
        (d("2026-11-01"), 3, 2, 0, 1, Decimal("66.7")),   # 2 / 3
    ]
    # The renewed cars now expire next year and count in that month.
    (october_2027,) = renewal_rates(store=store_bj, first=d("2027-10-01"), last=d("2027-10-31"))
    assert (october_2027.expiring, october_2027.through_us) == (2, 0)


def test_cr5_recording_a_renewal_moves_the_vehicle_and_closes_its_reminders(fleet, store_bj):
    manager, cars = fleet
    car = cars["4"]
    reminder = FollowUp.objects.create(
        store=store_bj, kind=FollowUpKind.INSURANCE_EXPIRY, customer=car.owner, vehicle=car,
        source_type="crm.vehicle", source_id=car.pk,
        due_at=dt.datetime(2026, 10, 11, 10, 0, tzinfo=TZ))
    renewal = renew(manager, car, until=d("2027-11-10"), company="太平洋保险")
    car.refresh_from_db()
    assert (car.insurance_company, car.insurance_expiry) == ("太平洋保险", d("2027-11-10"))
    assert (renewal.previous_company, renewal.previous_expiry) == ("人保", d("2026-11-10"))
    reminder.refresh_from_db()
    assert reminder.status == FollowUpStatus.DONE and "2027-11-10" in reminder.result
    event = AuditEvent.objects.get(action="insurance.renew", object_id=str(renewal.pk))
    assert event.after["through_us"] is True


def test_cr5_renewal_refusals_name_the_field(fleet, staff, store_bj):
    manager, cars = fleet
    car = cars["6"]
    with pytest.raises(ValidationError) as bad:
        renew(manager, car, until=d("2026-11-25"))
    assert "new_expiry" in bad.value.message_dict
    with pytest.raises(ValidationError) as bad:
        renew(manager, car, company="  ")
    assert "company" in bad.value.message_dict
    consultant = staff("sales_consultant", store=store_bj)
    with pytest.raises(PermissionDenied):
        renew(consultant, car)
    assert not InsuranceRenewal.objects.exists()


def test_cr5_insurance_renewals_page_rates_list_and_xlsx(fleet, client, store_bj,
                                                         django_assert_max_num_queries):
    manager, cars = fleet
    renew(manager, cars["1"])
    client.force_login(manager)
    url = reverse("care:insurance-renewals")
    with django_assert_max_num_queries(30):
        page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-month="2026-10"' in html and "33.3%" in html
    assert "京B00006" in html  # expiring in 3 days
    assert reverse("care:insurance-renew", args=[cars["6"].pk]) in html
    sheet = client.get(url, {"format": "xlsx"})
    assert sheet.status_code == 200
    assert sheet["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")


def test_cr5_record_renewal_page(fleet, client, staff, store_bj):
    manager, cars = fleet
    client.force_login(manager)
    url = reverse("care:insurance-renew", args=[cars["6"].pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"company": "平安保险", "new_expiry": "2026-01-01",
                            "through_us": "on"})
    assert bad.status_code == 200 and "new_expiry" in bad.context["form"].errors
    done = client.post(url, {"company": "平安保险", "new_expiry": "2027-11-25",
                             "through_us": "on"})
    assert done.status_code == 302
    assert Vehicle.objects.get(pk=cars["6"].pk).insurance_expiry == d("2027-11-25")
    client.force_login(staff("sales_consultant", store=store_bj))
    assert client.get(url).status_code == 403
    assert client.get(reverse("care:insurance-renewals")).status_code == 403


def test_cr5_insurance_renewals_api(fleet, api, staff, store_bj, store_sh,
                                    django_assert_max_num_queries):
    manager, cars = fleet
    client = api(manager, store_bj)
    url = "/api/v1/insurance-renewals/"
    made = client.post(url, {"vehicle": cars["6"].pk, "company": "平安保险",
                             "new_expiry": "2027-11-25", "through_us": False}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["previous_expiry"] == "2026-11-25" and made.json()["through_us"] is False
    again = client.post(url, {"vehicle": cars["6"].pk, "company": "平安保险",
                              "new_expiry": "2027-11-25"}, format="json")
    assert again.status_code == 400 and "new_expiry" in again.json()
    with django_assert_max_num_queries(12):
        listing = client.get(url)
    assert listing.status_code == 200
    other = staff("store_manager", store=store_sh)
    foreign = api(other, store_sh).post(url, {"vehicle": cars["5"].pk, "company": "x",
                                              "new_expiry": "2027-12-30"}, format="json")
    assert foreign.status_code == 400 and "vehicle" in foreign.json()
    consultant = api(staff("sales_consultant", store=store_bj), store_bj)
    assert consultant.get(url).status_code == 403
