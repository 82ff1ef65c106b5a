"""Setting up the workshop: labour rates per category, labour operations with standard
hours per model and the store's service rules (SV-2, SV-3, SV-8, SV-9)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from siwei.core.models import AuditEvent
from siwei.service.models import LabourOperation, LabourRate, LabourTime, Payer
from siwei.service.services.order_rules import needs_contract
from siwei.service.services.orders import repair_order_add_job
from siwei.service.services.settings import (
    labour_operation_save,
    labour_rate_remove,
    labour_rate_set,
    service_settings_update,
)
from siwei.service.views_settings import _LABELS
from tests.sales_factories import make_model

from .test_orders import open_ro

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_sv9_the_rate_of_the_category_wins_over_the_store_wide_rate(crew, car, store_bj,
                                                                     clock, group):
    labour_rate_set(actor=crew.manager, store=store_bj, category="", rate="300")
    labour_rate_set(actor=crew.manager, store=store_bj, category="minor_repair", rate="260")
    operation = labour_operation_save(actor=crew.manager, store=store_bj, code="B010",
                                      name="更换前刹车片", default_hours="1.20")
    repair = open_ro(crew, store_bj, car, clock, category="minor_repair")
    job = repair_order_add_job(actor=crew.advisor, repair_order=repair, payer=Payer.CUSTOMER,
                               operation=operation)
    assert (job.hours, job.rate) == (Decimal("1.20"), Decimal("260.00"))
    maintenance = open_ro(crew, store_bj, car, clock, category="maintenance")
    job = repair_order_add_job(actor=crew.advisor, repair_order=maintenance,
                               payer=Payer.CUSTOMER, operation=operation)
    assert job.rate == Decimal("300.00")
    assert AuditEvent.objects.filter(action="service.labour_rate_set").count() == 2


def test_sv9_setting_a_rate_again_replaces_it_and_removing_falls_back(crew, car, store_bj,
                                                                      clock):
    labour_rate_set(actor=crew.manager, store=store_bj, category="", rate="300")
    rate = labour_rate_set(actor=crew.manager, store=store_bj, category="minor_repair",
                           rate="260")
    labour_rate_set(actor=crew.store_manager, store=store_bj, category="minor_repair",
                    rate="280.5")
    assert LabourRate.objects.filter(store=store_bj).count() == 2
    rate.refresh_from_db()
    assert rate.rate == Decimal("280.50")
    labour_rate_remove(actor=crew.manager, store=store_bj, rate=rate)
    repair = open_ro(crew, store_bj, car, clock, category="minor_repair")
    job = repair_order_add_job(actor=crew.advisor, repair_order=repair, payer=Payer.CUSTOMER,
                               name="检查", hours=Decimal("1"))
    assert job.rate == Decimal("300.00")


@pytest.mark.parametrize("rate", ["0", "-5", "abc", ""])
def test_sv9_a_rate_must_be_above_zero(crew, store_bj, rate):
    with pytest.raises(ValidationError) as refused:
        labour_rate_set(actor=crew.manager, store=store_bj, category="", rate=rate)
    assert "rate" in refused.value.message_dict
    assert not LabourRate.objects.exists()


def test_sv9_an_advisor_may_not_set_rates_or_operations(crew, store_bj):
    with pytest.raises(PermissionDenied):
        labour_rate_set(actor=crew.advisor, store=store_bj, category="", rate="300")
    with pytest.raises(PermissionDenied):
        labour_operation_save(actor=crew.advisor, store=store_bj, code="X1", name="x",
                              default_hours="1")
    with pytest.raises(PermissionDenied):
        service_settings_update(actor=crew.advisor, store=store_bj, contract_threshold="500")


def test_sv9_standard_hours_per_model_are_used_by_a_new_job(crew, car, store_bj, clock,
                                                             group):
    _customer, vehicle = car
    other_model, _trim = make_model(group, name="另一车型")
    labour_rate_set(actor=crew.manager, store=store_bj, category="", rate="300")
    operation = labour_operation_save(
        actor=crew.manager, store=store_bj, code="B010", name="更换前刹车片",
        default_hours="1.20", times={vehicle.model_id: "1.50", other_model.pk: "2"})
    assert dict(LabourTime.objects.filter(operation=operation).values_list(
        "model_id", "hours")) == {vehicle.model_id: Decimal("1.50"),
                                  other_model.pk: Decimal("2.00")}
    repair = open_ro(crew, store_bj, car, clock, category="minor_repair")
    job = repair_order_add_job(actor=crew.advisor, repair_order=repair, payer=Payer.CUSTOMER,
                               operation=operation)
    assert (job.hours, job.amount) == (Decimal("1.50"), Decimal("450.00"))
    # Saving again with other times replaces them; the model left out uses the default.
    labour_operation_save(actor=crew.manager, store=store_bj, operation=operation,
                          code="B010", name="更换前刹车片", default_hours="1.20",
                          times={other_model.pk: "2.5"})
    job = repair_order_add_job(actor=crew.advisor, repair_order=repair, payer=Payer.CUSTOMER,
                               operation=operation)
    assert job.hours == Decimal("1.20")


@pytest.mark.parametrize(("values", "field"), [
    ({"default_hours": "0"}, "default_hours"),
    ({"code": ""}, "code"),
    ({"name": " "}, "name"),
    ({"times": {"999999": "1"}}, "times"),
    ({"category": "nonsense"}, "category"),
])
def test_sv9_a_labour_operation_with_bad_input_names_the_field(crew, store_bj, car, values,
                                                                field):
    _customer, vehicle = car
    data = {"code": "M001", "name": "更换机油机滤", "default_hours": "0.5",
            "times": {vehicle.model_id: "0.6"}, **values}
    with pytest.raises(ValidationError) as refused:
        labour_operation_save(actor=crew.manager, store=store_bj, **data)
    assert field in refused.value.message_dict
    assert not LabourOperation.objects.exists()


def test_sv9_hours_per_model_must_be_above_zero(crew, store_bj, car):
    _customer, vehicle = car
    with pytest.raises(ValidationError) as refused:
        labour_operation_save(actor=crew.manager, store=store_bj, code="M001", name="保养",
                              default_hours="0.5", times={vehicle.model_id: "0"})
    assert "times" in refused.value.message_dict


def test_sv9_the_code_is_unique_in_the_group(crew, store_bj):
    labour_operation_save(actor=crew.manager, store=store_bj, code="M001", name="保养",
                          default_hours="0.5")
    with pytest.raises(ValidationError) as refused:
        labour_operation_save(actor=crew.manager, store=store_bj, code="M001", name="其他",
                              default_hours="1")
    assert "code" in refused.value.message_dict


def test_sv8_the_contract_threshold_of_the_store_is_used(crew, car, store_bj, clock):
    labour_rate_set(actor=crew.manager, store=store_bj, category="", rate="300")
    repair = open_ro(crew, store_bj, car, clock, category="minor_repair")
    repair_order_add_job(actor=crew.advisor, repair_order=repair, payer=Payer.CUSTOMER,
                         name="检查", hours=Decimal("2"))  # 600 yuan
    repair.refresh_from_db()
    assert not needs_contract(repair)
    service_settings_update(actor=crew.manager, store=store_bj, contract_threshold="500")
    assert needs_contract(repair)
    event = AuditEvent.objects.get(action="service.settings_update")
    assert event.after == {"contract_threshold": "500.00"}


@pytest.mark.parametrize(("field", "value"), [
    ("slot_minutes", "0"), ("slot_minutes", "7.5"), ("productivity", "2"),
    ("appointment_share", "-0.1"), ("contract_threshold", "abc"),
    ("advisor_discount_percent", "50"), ("comeback_days", "0"),
])
def test_sv3_service_rules_out_of_range_name_the_field(crew, store_bj, field, value):
    with pytest.raises(ValidationError) as refused:
        service_settings_update(actor=crew.manager, store=store_bj, **{field: value})
    assert list(refused.value.message_dict) == [field]


# --------------------------------------------------------------------------- API

def test_api_labour_rates_upsert_list_delete_and_bad_rate(api, crew, store_bj):
    client = api(crew.manager, store_bj)
    created = client.post("/api/v1/labour-rates/", {"category": "", "rate": "300"},
                          format="json")
    assert created.status_code == 201, created.content
    again = client.post("/api/v1/labour-rates/", {"rate": "320"}, format="json")
    assert again.status_code == 200 and again.json()["rate"] == "320.00"
    bad = client.post("/api/v1/labour-rates/", {"category": "overhaul", "rate": "0"},
                      format="json")
    assert bad.status_code == 400 and "rate" in bad.json()
    listed = client.get("/api/v1/labour-rates/").json()
    assert [(r["category"], r["rate"]) for r in listed["results"]] == [("", "320.00")]
    assert client.delete(f"/api/v1/labour-rates/{created.json()['id']}/").status_code == 204
    assert not LabourRate.objects.exists()


def test_api_another_stores_rates_are_not_visible(api, crew, store_bj, store_sh, staff):
    LabourRate.objects.create(store=store_bj, category="", rate=Decimal("300"))
    other = LabourRate.objects.create(store=store_sh, category="", rate=Decimal("250"))
    client = api(crew.manager, store_bj)
    rates = client.get("/api/v1/labour-rates/").json()["results"]
    assert [r["rate"] for r in rates] == ["300.00"]
    assert client.delete(f"/api/v1/labour-rates/{other.pk}/").status_code == 404
    assert api(crew.manager, store_sh).get("/api/v1/labour-rates/").status_code == 403


def test_api_an_advisor_is_refused_403(api, crew, store_bj):
    client = api(crew.advisor, store_bj)
    assert client.post("/api/v1/labour-rates/", {"rate": "300"},
                       format="json").status_code == 403
    assert client.patch("/api/v1/service-settings/", {"slot_minutes": "20"},
                        format="json").status_code == 403
    assert client.post("/api/v1/labour-operations/", {"code": "X", "name": "x",
                                                      "default_hours": "1"},
                       format="json").status_code == 403
    assert client.get("/api/v1/labour-operations/").status_code == 200


def test_api_labour_operations_with_times_and_search(api, crew, store_bj, car):
    _customer, vehicle = car
    client = api(crew.manager, store_bj)
    created = client.post("/api/v1/labour-operations/", {
        "code": "B010", "name": "更换前刹车片", "default_hours": "1.20",
        "times": {str(vehicle.model_id): "1.50"}}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["times"] == {str(vehicle.model_id): "1.50"}
    client.post("/api/v1/labour-operations/", {"code": "M001", "name": "更换机油机滤",
                                               "default_hours": "0.5"}, format="json")
    found = client.get("/api/v1/labour-operations/?q=刹车").json()["results"]
    assert [o["code"] for o in found] == ["B010"]
    pk = created.json()["id"]
    changed = client.patch(f"/api/v1/labour-operations/{pk}/", {"default_hours": "1.30"},
                           format="json")
    assert changed.status_code == 200
    assert changed.json()["default_hours"] == "1.30"
    assert changed.json()["times"] == {str(vehicle.model_id): "1.50"}  # kept
    duplicate = client.patch(f"/api/v1/labour-operations/{pk}/", {"code": "M001"},
                             format="json")
    assert duplicate.status_code == 400 and "code" in duplicate.json()
    bad = client.post("/api/v1/labour-operations/", {"code": "Z1", "name": "z",
                                                     "default_hours": "-1"}, format="json")
    assert bad.status_code == 400 and "default_hours" in bad.json()


def test_api_service_settings_get_and_patch(api, crew, store_bj):
    client = api(crew.manager, store_bj)
    assert client.get("/api/v1/service-settings/").json()["contract_threshold"] == "1000.00"
    changed = client.patch("/api/v1/service-settings/", {"contract_threshold": "800",
                                                         "slot_minutes": "20"},
                           format="json")
    assert changed.status_code == 200
    assert (changed.json()["contract_threshold"], changed.json()["slot_minutes"]) == \
        ("800.00", 20)
    bad = client.patch("/api/v1/service-settings/", {"productivity": "3"}, format="json")
    assert bad.status_code == 400 and list(bad.json()) == ["productivity"]


# --------------------------------------------------------------------------- page

def test_page_the_service_manager_sets_rates_rules_and_operations(crew, store_bj, car):
    _customer, vehicle = car
    client = login(crew.manager)
    page = client.get("/service/settings/")
    assert page.status_code == 200
    assert client.post("/service/settings/", {"action": "rate_set", "category": "",
                                              "rate": "310"}).status_code == 302
    assert LabourRate.objects.get(store=store_bj).rate == Decimal("310.00")
    client.post("/service/settings/", {"action": "rules", "slot_minutes": "20",
                                       "buffer_every": "4", "productivity": "0.85",
                                       "appointment_share": "0.70",
                                       "contract_threshold": "1500",
                                       "advisor_discount_percent": "5",
                                       "manager_discount_percent": "15",
                                       "comeback_days": "30", "comeback_km": "3000",
                                       "no_show_minutes": "30", "follow_up_days": "3"})
    client.post("/service/settings/", {"action": "operation_add", "code": "M001",
                                       "name": "更换机油机滤", "default_hours": "0.5",
                                       f"hours_{vehicle.model_id}": "0.6"})
    operation = LabourOperation.objects.get(code="M001")
    assert operation.times.get().hours == Decimal("0.60")
    page = client.get(f"/service/settings/?operation={operation.pk}&q=M00")
    assert "更换机油机滤" in page.content.decode() and "1500" in page.content.decode()
    refused = client.post("/service/settings/", {"action": "rate_set", "rate": "-1"},
                          follow=True)
    shown = [str(m) for m in refused.context["messages"]]
    assert len(shown) == 1 and shown[0].startswith(str(_LABELS["rate"]) + ":")
    assert LabourRate.objects.get(store=store_bj).rate == Decimal("310.00")


def test_page_is_refused_to_an_advisor(crew):
    assert login(crew.advisor).get("/service/settings/").status_code == 403
