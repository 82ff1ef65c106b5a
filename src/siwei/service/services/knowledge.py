"""The group's repair knowledge base (维修技术资源共享, SV-19).

A technician writes a hard case (symptom, diagnosis, cause, fix, models, parts); the chief
inspector (QC inspector or service manager) approves it; approved entries are read by every
store of the group and suggested on a repair order by model and by the words of the
complaint. Chinese has no spaces, so text is compared as character bigrams.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.errors import invalid_transition
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction
from siwei.crm.models import VehicleModel

from ..models import KnowledgeEntry, KnowledgeStatus

TEXT_FIELDS = ("title", "symptom", "diagnosis", "cause", "fix", "parts")
_CJK = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[a-z0-9][a-z0-9.\-]*")
# Bigrams too common in complaints to tell cases apart.
STOP = frozenset({"车辆", "客户", "出现", "有时", "时候", "一下", "正常", "现象", "问题",
                  "检查", "发现", "情况", "进行", "需要", "没有", "不能", "以后", "之后"})


def tokens(text: str) -> set[str]:
    """Words of ``text``: character bigrams of each run of Chinese characters (a single
    character alone), plus Latin words and numbers (codes like P0300, part numbers)."""
    text = (text or "").lower()
    result: set[str] = set()
    for run in _CJK.findall(text):
        if len(run) == 1:
            result.add(run)
        result.update(run[i:i + 2] for i in range(len(run) - 1))
    result.update(word.strip(".-") for word in _WORD.findall(text) if len(word) > 1)
    return result - STOP


def _check_models(group, vehicle_models: Iterable[VehicleModel]) -> list[VehicleModel]:
    chosen = list(vehicle_models or [])
    if any(m.group_id != group.pk for m in chosen):
        raise ValidationError({"vehicle_models": [_("Unknown model.")]})
    return chosen


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown knowledge fields: {sorted(unknown)}")
    data = {k: (v or "").strip() for k, v in data.items()}
    missing = {f: [_("This field is required.")] for f in ("title", "symptom", "cause", "fix")
               if not data.get(f)}
    if missing:
        raise ValidationError(missing)
    return data


@service_transaction
def knowledge_create(*, actor, store, vehicle_models: Iterable[VehicleModel] = (),
                     repair_order=None, **data: Any) -> KnowledgeEntry:
    """A technician writes a case; it waits for the chief inspector's approval."""
    data = _clean(data)
    chosen = _check_models(store.group, vehicle_models)
    if repair_order is not None and repair_order.store_id != store.pk:
        raise ValidationError({"repair_order": [_("Unknown repair order.")]})
    entry = KnowledgeEntry.objects.create(store=store, group=store.group, author=actor,
                                          repair_order=repair_order, created_at=clock.now(),
                                          **data)
    entry.vehicle_models.set(chosen)
    audit_record(actor=actor, action="knowledge.create", obj=entry)
    return entry


@service_transaction
def knowledge_update(*, actor, store, entry: KnowledgeEntry,
                     vehicle_models: Iterable[VehicleModel] | None = None,
                     **data: Any) -> KnowledgeEntry:
    """Correct an entry: its author while it waits, an approver at any time."""
    approver = has_store_perm(actor, store, "service.approve_knowledgeentry")
    if entry.store_id != store.pk and not approver:
        raise PermissionDenied(_("Only the store that wrote the entry may change it."))
    if not approver and (entry.author_id != actor.pk or entry.status != KnowledgeStatus.DRAFT):
        raise PermissionDenied(_("Only the author may change a waiting entry."))
    current = {f: getattr(entry, f) for f in TEXT_FIELDS}
    data = _clean({**current, **data})
    for field, value in data.items():
        setattr(entry, field, value)
    entry.save()
    if vehicle_models is not None:
        entry.vehicle_models.set(_check_models(store.group, vehicle_models))
    audit_record(actor=actor, action="knowledge.update", obj=entry)
    return entry


@service_transaction
def knowledge_approve(*, actor, store, entry: KnowledgeEntry) -> KnowledgeEntry:
    """The chief inspector approves: the entry is shared with every store of the group."""
    if not has_store_perm(actor, store, "service.approve_knowledgeentry"):
        raise PermissionDenied(_("Only the chief inspector approves knowledge entries."))
    locked = KnowledgeEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.group_id != store.group_id:
        raise PermissionDenied(_("Not an entry of your group."))
    if locked.status != KnowledgeStatus.DRAFT:
        raise invalid_transition(locked.status, "approve")
    locked.status = KnowledgeStatus.APPROVED
    locked.approved_by = actor
    locked.approved_at = clock.now()
    locked.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(actor=actor, action="knowledge.approve", obj=locked, store=store,
                 after={"status": locked.status})
    entry.status, entry.approved_by, entry.approved_at = (locked.status, actor,
                                                          locked.approved_at)
    return entry


@dataclass(frozen=True)
class Suggestion:
    entry: KnowledgeEntry
    score: float
    model_match: bool
    shared: tuple[str, ...]


def _entry_tokens(entry: KnowledgeEntry) -> set[str]:
    return tokens(" ".join([entry.title, entry.symptom, entry.diagnosis, entry.cause,
                            entry.parts]))


def suggest_for(*, model: VehicleModel | None, text: str, limit: int = 5,
                group=None) -> list[Suggestion]:
    """Approved entries of the group ranked for a repair order: shared words between
    ``text`` (the complaint) and the entry's title, symptom, diagnosis, cause and parts,
    with a bonus when the entry names the vehicle's model. Entries sharing no word are not
    suggested."""
    wanted = tokens(text)
    if not wanted:
        return []
    group_id = group.pk if group is not None else (model.group_id if model else None)
    if group_id is None:
        return []
    entries = (KnowledgeEntry.objects.filter(group_id=group_id,
                                             status=KnowledgeStatus.APPROVED)
               .prefetch_related("vehicle_models"))
    ranked = []
    for entry in entries:
        shared = wanted & _entry_tokens(entry)
        if not shared:
            continue
        entry_models = {m.pk for m in entry.vehicle_models.all()}
        model_match = model is not None and model.pk in entry_models
        # Share of the complaint's words found, plus a bonus for the model (an entry for
        # every model, without any listed, gets half the bonus).
        score = len(shared) / len(wanted)
        if model_match:
            score += 0.5
        elif not entry_models:
            score += 0.25
        ranked.append(Suggestion(entry, round(score, 4), model_match, tuple(sorted(shared))))
    ranked.sort(key=lambda s: (-s.score, -len(s.shared), -s.entry.pk))
    return ranked[:limit]
