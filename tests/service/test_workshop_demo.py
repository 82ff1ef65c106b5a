"""The workshop demo builds through the services and leaves a board with work in every
state (SV-10, SV-13)."""

import random

import pytest

from siwei.demo.builder import DemoContext
from siwei.service.demo_workshop import build_workshop
from siwei.service.models import Inspection, Job, RepairOrder, ROStatus
from siwei.service.selectors_workshop import workshop_board

pytestmark = pytest.mark.django_db


def test_workshop_demo_builds_history_and_todays_board(staff, store_bj, group, car, clock):
    for role in ("service_advisor", "foreman", "qc_inspector", "technician"):
        staff(role, store=store_bj, username=f"bj01_{role}")
    ctx = DemoContext(rng=random.Random(7), small=True, group=group, stores=[store_bj])
    build_workshop(ctx)
    statuses = set(RepairOrder.objects.for_store(store_bj).values_list("status", flat=True))
    assert {ROStatus.INSPECTED, ROStatus.IN_PROGRESS, ROStatus.COMPLETED} <= statuses
    assert Inspection.objects.filter(level=3, passed=True).exists()
    assert Job.objects.filter(status="in_progress").exists()
    board = workshop_board(store=store_bj)
    assert len(board.technicians) == 4 and board.orders
