"""Analysis actions: store the ABC class of each part (PT-13) for cycle counts."""

from __future__ import annotations

from siwei.core.audit import audit_record
from siwei.core.transactions import service_transaction

from ..models import PartStore
from ..selectors.analysis import abc_classes
from ._common import require_perm


@service_transaction
def abc_classify(*, actor, store) -> dict[str, int]:
    """Write each part's ABC class in the store (parts without consumption are C)."""
    require_perm(actor, store, "parts.view_parts_analysis")
    rows = abc_classes(store=store)
    PartStore.objects.bulk_create([PartStore(store=store, part_id=r["part_id"]) for r in rows],
                                  ignore_conflicts=True)
    PartStore.objects.filter(store=store).exclude(abc_class="C").update(abc_class="C")
    counts = {"A": 0, "B": 0, "C": 0}
    for cls in ("A", "B"):
        ids = [r["part_id"] for r in rows if r["abc"] == cls]
        counts[cls] = PartStore.objects.filter(store=store, part_id__in=ids).update(abc_class=cls)
    counts["C"] = PartStore.objects.filter(store=store, abc_class="C").count()
    audit_record(actor=actor, action="parts.abc_classify", store=store,
                 object_type="parts.partstore", after=counts)
    return counts
