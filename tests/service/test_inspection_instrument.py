"""SV-20 with SV-13: the measuring instrument used in a foreman check or final inspection
is recorded; one overdue for calibration (or never calibrated, or stopped) is refused with
409 ``instrument_overdue`` by the service, the QC page and the API ``inspect`` action."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from siwei.core.errors import DomainError
from siwei.service.models import EquipmentKind, Inspection, ROStatus
from siwei.service.services.equipment import calibration_record, equipment_create
from siwei.service.services.workshop import inspection_record

from .test_workshop_helpers import open_ro
from .test_workshop_pages import finish_all

pytestmark = pytest.mark.django_db

CHECKS = {k: True for k in ("safety", "power", "economy", "reliability", "emissions",
                            "cleanliness")}


def instrument(crew, store, number, *, calibrated_days_ago=None, cycle=180):
    gauge = equipment_create(actor=crew.manager, store=store, asset_number=number,
                             name="轮胎气压表", kind=EquipmentKind.INSTRUMENT,
                             calibration_cycle_days=cycle)
    if calibrated_days_ago is not None:
        calibration_record(actor=crew.qc, instrument=gauge,
                           day=dt.date(2026, 11, 22) - dt.timedelta(days=calibrated_days_ago),
                           agency="北京市计量院", certificate="JD-1")
        gauge.refresh_from_db()
    return gauge


@pytest.fixture
def completed(crew, store_bj, car, operations, shifts):
    ro = open_ro(crew, store_bj, car, operations)
    finish_all(crew, ro)
    ro.refresh_from_db()
    return ro


@pytest.fixture
def gauges(crew, store_bj):
    return {"valid": instrument(crew, store_bj, "JL-001", calibrated_days_ago=30),
            "overdue": instrument(crew, store_bj, "JL-002", calibrated_days_ago=200),
            "never": instrument(crew, store_bj, "JL-003")}


def test_sv20_inspection_records_a_valid_instrument(crew, completed, gauges):
    inspection_record(actor=crew.foreman, repair_order=completed, level=2, passed=True,
                      instrument=gauges["valid"])
    inspection_record(actor=crew.qc, repair_order=completed, level=3, passed=True,
                      checks=CHECKS, instrument=gauges["valid"])
    completed.refresh_from_db()
    assert completed.status == ROStatus.INSPECTED
    assert list(Inspection.objects.filter(repair_order=completed, level__gte=2)
                .values_list("instrument", flat=True)) == [gauges["valid"].pk] * 2


@pytest.mark.parametrize("which", ["overdue", "never"])
def test_sv20_instrument_overdue_for_calibration_is_refused(crew, completed, gauges, which):
    with pytest.raises(DomainError) as refused:
        inspection_record(actor=crew.foreman, repair_order=completed, level=2, passed=True,
                          instrument=gauges[which])
    assert refused.value.code == "instrument_overdue"
    assert not Inspection.objects.filter(repair_order=completed, level=2).exists()
    completed.refresh_from_db()
    assert completed.status == ROStatus.COMPLETED


def test_sv20_instrument_of_another_store_or_not_an_instrument(crew, completed, store_sh):
    other = instrument(crew, store_sh, "JL-SH-1", calibrated_days_ago=10)
    lift = equipment_create(actor=crew.manager, store=completed.store, asset_number="SB-01",
                            name="举升机", kind=EquipmentKind.EQUIPMENT)
    for wrong in (other, lift):
        with pytest.raises(ValidationError) as refused:
            inspection_record(actor=crew.foreman, repair_order=completed, level=2,
                              passed=True, instrument=wrong)
        assert "instrument" in refused.value.message_dict


def test_sv20_qc_page_accepts_the_instrument_and_shows_the_refusal(client, crew, completed,
                                                                   gauges):
    client.force_login(crew.foreman)
    url = reverse("service:workshop-inspect", args=[completed.pk, 2])
    html = client.get(url).content.decode()
    assert 'name="instrument"' in html and "JL-002" in html
    response = client.post(url, {"result": "pass", "instrument": gauges["overdue"].pk})
    assert response.status_code == 200
    assert response.context["form"].errors["instrument"]
    assert not Inspection.objects.filter(repair_order=completed, level=2).exists()
    response = client.post(url, {"result": "pass", "instrument": gauges["valid"].pk})
    assert response.status_code == 302
    assert Inspection.objects.get(repair_order=completed, level=2).instrument == gauges["valid"]
    client.force_login(crew.qc)
    html = client.get(reverse("service:workshop-inspect", args=[completed.pk, 3])
                      ).content.decode()
    assert f'data-instrument="{gauges["valid"].pk}"' in html


def test_sv20_api_inspect_with_an_instrument(api, crew, completed, gauges, store_sh):
    url = f"/api/v1/repair-orders/{completed.pk}/inspect/"
    client = api(crew.foreman, completed.store)
    refused = client.post(url, {"level": 2, "passed": True,
                                "instrument": gauges["overdue"].pk}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "instrument_overdue"
    other = instrument(crew, store_sh, "JL-SH-1", calibrated_days_ago=10)
    unknown = client.post(url, {"level": 2, "passed": True, "instrument": other.pk},
                          format="json")
    assert unknown.status_code == 400 and "instrument" in unknown.json()
    done = client.post(url, {"level": 2, "passed": True, "instrument": gauges["valid"].pk},
                       format="json")
    assert done.status_code == 200
    assert Inspection.objects.get(repair_order=completed, level=2).instrument == gauges["valid"]
    self_check = client.post(url, {"level": 1, "passed": True,
                                   "instrument": gauges["valid"].pk}, format="json")
    assert self_check.status_code == 400 and "instrument" in self_check.json()
