"""PT-13: the nightly task stores every active store's ABC classes, idempotently."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from siwei.core.models import Store
from siwei.parts.models import Part, PartStore
from siwei.parts.services import stock_issue
from tests.factories import StoreFactory

from .conftest import make_location

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def test_pt13_nightly_task_classifies_every_active_store_and_is_idempotent(
        clock, group, store_bj, store_sh, shelf, stock_in):
    from siwei.parts.tasks import recompute_abc_classes

    closed = StoreFactory(group=group, code="GZ01")
    Store.objects.filter(pk=closed.pk).update(is_active=False)
    parts = [Part.objects.create(group=group, number=f"P{i}", name=f"P{i}") for i in range(3)]
    sh_shelf = make_location(store_sh, "S-01-1")
    clock.set(dt.datetime(2026, 3, 1, 10, 0, tzinfo=TZ))
    for p in parts:
        stock_in(store_bj, p, 100, "10.00", shelf)
    stock_in(store_sh, parts[2], 100, "10.00", sh_shelf)
    clock.set(dt.datetime(2026, 6, 15, 10, 0, tzinfo=TZ))
    for p, qty in zip(parts, (80, 15, 5), strict=True):  # values 800, 150, 50 → A, B, C
        stock_issue(actor=None, store=store_bj, part=p, quantity=qty,
                    document_type="service.repairorder", document_id="RO-1")
    stock_issue(actor=None, store=store_sh, part=parts[2], quantity=1,
                document_type="service.repairorder", document_id="RO-2")
    PartStore.objects.filter(store=store_bj, part=parts[0]).update(abc_class="C")  # stale
    clock.set(dt.datetime(2026, 11, 22, 2, 0, tzinfo=TZ))

    first = recompute_abc_classes.enqueue()
    assert first.return_value == {"BJ01": {"A": 1, "B": 1, "C": 1},
                                  "SH01": {"A": 1, "B": 0, "C": 0}}
    classes = dict(PartStore.objects.filter(store=store_bj)
                   .values_list("part__number", "abc_class"))
    assert classes == {"P0": "A", "P1": "B", "P2": "C"}
    assert PartStore.objects.get(store=store_sh, part=parts[2]).abc_class == "A"
    assert not PartStore.objects.filter(store=closed).exists()

    second = recompute_abc_classes.enqueue()  # nothing changed: the same classes
    assert second.return_value == first.return_value
    assert dict(PartStore.objects.filter(store=store_bj)
                .values_list("part__number", "abc_class")) == classes
