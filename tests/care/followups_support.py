"""Fixtures and helpers of the follow-up and survey tests (CR-1 … CR-4)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from siwei.care.models import FollowUpKind, Measure, Questionnaire
from siwei.care.services import followup_schedule, questionnaires_ensure_defaults
from siwei.crm.services import customer_create, vehicle_create
from siwei.service.models import Job, RepairOrder
from tests.sales_factories import make_model, make_vin

__all__ = ["owner", "ro", "task", "team"]  # the fixtures, for ``import *`` in the tests

_numbers = itertools.count(1)
_vins = itertools.count(7001)


@pytest.fixture
def team(staff, store_bj):
    """The people of BJ01 who call, are rated, or supervise."""

    class Team:
        cs = staff("customer_service", store=store_bj)
        cs2 = staff("customer_service", store=store_bj)
        supervisor = staff("service_manager", store=store_bj)
        sales_manager = staff("sales_manager", store=store_bj)
        consultant = staff("sales_consultant", store=store_bj)
        advisor = staff("service_advisor", store=store_bj)
        tech1 = staff("technician", store=store_bj)
        tech2 = staff("technician", store=store_bj)

    return Team


@pytest.fixture
def owner(team, store_bj, group):
    """A customer and his car at BJ01."""
    model, _trim = make_model(group)
    customer = customer_create(actor=team.advisor, store=store_bj, name="刘强",
                               mobile="13912345678")
    vehicle = vehicle_create(actor=team.advisor, store=store_bj, vin=make_vin(next(_vins)),
                             plate="京B12345", owner=customer, model=model,
                             sale_date=dt.date(2025, 6, 1), selling_store=store_bj)
    return customer, vehicle


def make_released_ro(team, customer, vehicle, *, advisor=None) -> RepairOrder:
    """A released RO: tech1 did a 1.0 h job, tech2 the main 2.5 h job."""
    at = dt.datetime(2026, 11, 19, 9, 0, tzinfo=dt.UTC)
    ro = RepairOrder.objects.create(
        store=customer.store, number=f"RO-FU-{next(_numbers):04d}", customer=customer,
        vehicle=vehicle, advisor=advisor or team.advisor, category="maintenance",
        status="released", mileage=15000, promised_at=at + dt.timedelta(hours=4),
        received_at=at, released_at=at + dt.timedelta(hours=5))
    Job.objects.create(repair_order=ro, name="更换机油机滤", hours=Decimal("1.00"),
                       rate=Decimal("300"), amount=Decimal("300"), payer="customer",
                       technician=team.tech1)
    Job.objects.create(repair_order=ro, name="更换前刹车片", hours=Decimal("2.50"),
                       rate=Decimal("300"), amount=Decimal("750"), payer="customer",
                       technician=team.tech2)
    return ro


def service_task(ro, *, due_at=None, assignee=None, role="customer_service"):
    from siwei.core import clock

    task, _created = followup_schedule(
        store=ro.store, kind=FollowUpKind.SERVICE_CALL, customer=ro.customer,
        due_at=due_at or clock.now() - dt.timedelta(hours=1),
        source_type="service.repairorder", source_id=ro.pk, vehicle=ro.vehicle,
        assignee=assignee, assignee_role=role if assignee is None else "")
    return task


@pytest.fixture
def ro(team, owner, clock):
    return make_released_ro(team, *owner)


@pytest.fixture
def task(ro):
    return service_task(ro)


def service_questions(group) -> dict[str, list]:
    """The default service questionnaire's questions by measure/type."""
    questionnaires_ensure_defaults(group=group)
    questionnaire = Questionnaire.objects.get(group=group, code="service-follow-up")
    questions = list(questionnaire.questions.order_by("position"))
    return {
        "satisfaction": [q for q in questions if q.measure == Measure.SATISFACTION],
        "nps": [q for q in questions if q.measure == Measure.NPS],
        "loyalty": [q for q in questions if q.answer_type == "yes_no"],
        "text": [q for q in questions if q.answer_type == "text"],
        "all": questions,
    }


def scores_for(group, satisfaction: list[int], nps: int, loyalty=("yes", "yes", "no", "yes"),
               text: str = "") -> dict:
    """Answers of the service questionnaire: the five satisfaction items in order."""
    q = service_questions(group)
    scores = {q_.pk: value for q_, value in zip(q["satisfaction"], satisfaction, strict=True)}
    scores[q["nps"][0].pk] = nps
    scores.update({q_.pk: value for q_, value in zip(q["loyalty"], loyalty, strict=True)})
    if text:
        scores[str(q["text"][0].pk)] = text
    return scores
