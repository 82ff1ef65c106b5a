"""The warranty area's demo step builds a knowledge base, equipment with every
calibration state and a flagged tool loan, deterministically."""

import random

import pytest

from siwei.demo.builder import DemoContext, build_organisation
from siwei.service.demo_warranty import CASES, build_warranty
from siwei.service.models import (
    CalibrationState,
    Equipment,
    EquipmentKind,
    KnowledgeEntry,
    KnowledgeStatus,
    MaintenancePlan,
)
from siwei.service.selectors_warranty import overdue_loans
from siwei.service.services.knowledge import suggest_for
from tests.sales_factories import make_model

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("small", [True, False])
def test_sv19_sv20_demo_builds_knowledge_and_equipment(clock, small):
    ctx = DemoContext(rng=random.Random(7), small=small)
    build_organisation(ctx)
    lavida = make_model(ctx.group, "朗逸")[0]
    make_model(ctx.group, "ID.4 X")
    build_warranty(ctx)
    entries = KnowledgeEntry.objects.filter(group=ctx.group)
    assert entries.count() == (10 if small else len(CASES)) and len(CASES) >= 30
    assert entries.filter(status=KnowledgeStatus.DRAFT).count() == 3
    assert suggest_for(model=lavida, text="冷车怠速抖动")[0].entry.title == "冷车启动怠速抖动"
    assert MaintenancePlan.objects.filter(group=ctx.group).count() == 2
    today = clock.today()
    for store in ctx.stores:
        states = {e.calibration_state(today) for e in Equipment.objects.for_store(store).filter(
            kind=EquipmentKind.INSTRUMENT)}
        assert states == {CalibrationState.GREEN, CalibrationState.YELLOW, CalibrationState.RED}
        assert overdue_loans(store=store).count() == 1
