"""SV-19 knowledge base: technicians write, the chief inspector approves, every store of
the group reads, and approved entries are suggested on an RO by model and complaint."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from siwei.core.errors import DomainError
from siwei.service.models import KnowledgeStatus
from siwei.service.selectors_warranty import knowledge_search, knowledge_waiting
from siwei.service.services.knowledge import (
    knowledge_approve,
    knowledge_create,
    knowledge_update,
    suggest_for,
    tokens,
)
from tests.sales_factories import make_model

pytestmark = pytest.mark.django_db


@pytest.fixture
def models_(group):
    return make_model(group, "朗逸")[0], make_model(group, "迈腾")[0]


def write(tech, store, model=None, **data):
    defaults = {"title": "冷车启动怠速抖动", "symptom": "冷车启动后怠速抖动，发动机故障灯偶尔点亮",
                "diagnosis": "读取故障码P0300，检查点火线圈", "cause": "节气门体积碳",
                "fix": "清洗节气门并做基本设定", "parts": "节气门体 06K133062AN"}
    return knowledge_create(actor=tech, store=store, vehicle_models=[model] if model else [],
                            **(defaults | data))


def test_sv19_bigrams_segment_chinese_and_keep_codes():
    assert tokens("怠速抖动P0300") == {"怠速", "速抖", "抖动", "p0300"}
    assert tokens("灯") == {"灯"}
    assert "车辆" not in tokens("车辆异响")


def test_sv19_written_by_a_technician_approved_by_the_chief_inspector(crew, store_bj,
                                                                   models_):
    entry = write(crew.tech1, store_bj, models_[0])
    assert entry.status == KnowledgeStatus.DRAFT and entry.author == crew.tech1
    assert list(knowledge_waiting(group=store_bj.group)) == [entry]
    with pytest.raises(PermissionDenied):
        knowledge_approve(actor=crew.tech2, store=store_bj, entry=entry)
    knowledge_approve(actor=crew.qc, store=store_bj, entry=entry)
    assert entry.status == KnowledgeStatus.APPROVED and entry.approved_by == crew.qc
    with pytest.raises(DomainError) as exc:
        knowledge_approve(actor=crew.manager, store=store_bj, entry=entry)
    assert exc.value.code == "invalid_transition"


def test_sv19_required_fields_and_who_may_edit(crew, store_bj):
    with pytest.raises(ValidationError) as exc:
        write(crew.tech1, store_bj, cause=" ")
    assert "cause" in exc.value.message_dict
    entry = write(crew.tech1, store_bj)
    with pytest.raises(PermissionDenied):
        knowledge_update(actor=crew.tech2, store=store_bj, entry=entry, fix="换火花塞")
    knowledge_update(actor=crew.tech1, store=store_bj, entry=entry, fix="清洗节气门")
    knowledge_approve(actor=crew.manager, store=store_bj, entry=entry)
    with pytest.raises(PermissionDenied):
        knowledge_update(actor=crew.tech1, store=store_bj, entry=entry, fix="x")


def test_sv19_approved_entries_are_searchable_by_every_store(crew, store_bj, store_sh, staff,
                                                            models_):
    entry = write(crew.tech1, store_bj, models_[0])
    assert not knowledge_search(group=store_sh.group, q="节气门").exists()
    knowledge_approve(actor=crew.qc, store=store_bj, entry=entry)
    assert list(knowledge_search(group=store_sh.group, q="节气门 积碳")) == [entry]
    assert list(knowledge_search(group=store_sh.group, model=models_[0])) == [entry]
    assert not knowledge_search(group=store_sh.group, model=models_[1]).exists()
    assert entry.store == store_bj  # the store of origin is kept


def test_sv19_suggestions_ranked_by_model_and_shared_words(crew, store_bj, models_):
    lavida, magotan = models_
    idle = write(crew.tech1, store_bj, lavida)
    idle_magotan = write(crew.tech1, store_bj, magotan, title="迈腾怠速抖动")
    noise = write(crew.tech1, store_bj, lavida, title="过减速带底盘异响",
                  symptom="低速过减速带时前部底盘异响", diagnosis="举升检查",
                  cause="前稳定杆连杆球头松旷", fix="更换稳定杆连杆", parts="稳定杆连杆")
    draft = write(crew.tech2, store_bj, lavida)
    for entry in (idle, idle_magotan, noise):
        knowledge_approve(actor=crew.qc, store=store_bj, entry=entry)
    found = suggest_for(model=lavida, text="客户反映冷车怠速抖动，故障灯亮")
    assert [s.entry for s in found] == [idle, idle_magotan]  # model match first
    assert found[0].model_match and "怠速" in found[0].shared
    assert draft not in [s.entry for s in found]
    assert suggest_for(model=magotan, text="怠速抖动")[0].entry == idle_magotan
    assert [s.entry for s in suggest_for(model=lavida, text="底盘异响", limit=1)] == [noise]
    assert suggest_for(model=lavida, text="") == []
