"""CR-6, CR-7: feedback capture, SLA deadlines, the complaint's states and every refusal."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from siwei.care.classification import Suggestion
from siwei.care.models import FeedbackEvent, FeedbackStatus, care_settings
from siwei.care.services import feedback as services
from siwei.core.errors import DomainError
from siwei.core.models import AuditEvent

from .feedback_support import *  # noqa: F403 - the fixtures
from .feedback_support import complaint

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def test_cr7_deadlines_24x7(team, store_bj, customer, clock, no_suggestion):
    fb = complaint(team, store_bj, customer, received_at=at(2026, 11, 21, 22, 15))
    assert fb.acknowledge_due_at == at(2026, 11, 22, 22, 15)
    assert fb.resolve_due_at == at(2026, 11, 23, 22, 15)
    assert fb.number.startswith("FB") and fb.status == FeedbackStatus.RECEIVED
    assert fb.department == "service"  # waiting time without a sales order


def test_cr7_deadlines_business_hours_friday_evening(team, store_bj, customer, clock,
                                                     no_suggestion):
    """08:30–18:00 every day: Friday 17:00 has 1 h, Saturday and Sunday 9.5 h each, so 24 h
    end on Monday 12:30 and 48 h on Wednesday 17:30."""
    settings = care_settings(store_bj)
    settings.business_hours_only = True
    settings.save()
    fb = complaint(team, store_bj, customer, received_at=at(2026, 11, 20, 17, 0))
    assert fb.acknowledge_due_at.astimezone(TZ) == at(2026, 11, 23, 12, 30)
    assert fb.resolve_due_at.astimezone(TZ) == at(2026, 11, 25, 17, 30)
    # Before opening the clock starts at 08:30; after closing, the next morning.
    assert services.sla_deadline(store_bj, at(2026, 11, 20, 7, 0), 2) == at(2026, 11, 20, 10, 30)
    assert services.sla_deadline(store_bj, at(2026, 11, 20, 19, 0), 2) == at(2026, 11, 21, 10, 30)


def test_cr6_non_complaints_have_no_sla_and_close_directly(team, store_bj, customer, clock,
                                                           no_suggestion):
    fb = complaint(team, store_bj, customer, kind="praise", category="staff_attitude",
                   subject="表扬服务顾问", content="小王服务很周到。")
    assert fb.acknowledge_due_at is None and fb.resolve_due_at is None
    services.feedback_close(actor=team.cs, feedback=fb, note="已致谢")
    assert fb.status == FeedbackStatus.CLOSED and fb.closed_at == clock.now()


def test_cr6_classifier_suggestion_kept_next_to_staff_choice(team, store_bj, customer, clock,
                                                             monkeypatch):
    monkeypatch.setattr("siwei.care.classification.suggest",
                        lambda *, group_id, text: Suggestion("complaint", "price"))
    fb = complaint(team, store_bj, customer, kind="inquiry", category="parts")
    assert (fb.kind, fb.category) == ("inquiry", "parts")
    assert (fb.suggested_kind, fb.suggested_category) == ("complaint", "price")
    assert fb.department == "parts"
    services.feedback_update(actor=team.cs, feedback=fb, kind="complaint", category="sales")
    fb.refresh_from_db()
    assert fb.suggested_category == "price" and fb.department == "sales"
    assert fb.acknowledge_due_at == fb.received_at + dt.timedelta(hours=24)  # now a complaint
    # Blank from the form and no suggestion: the category is required.
    monkeypatch.setattr("siwei.care.classification.suggest",
                        lambda *, group_id, text: Suggestion("", ""))
    with pytest.raises(ValidationError) as exc:
        complaint(team, store_bj, customer, category="")
    assert "category" in exc.value.message_dict


def test_cr6_related_records_must_be_of_the_store(team, store_bj, store_sh, staff, clock,
                                                  no_suggestion):
    from siwei.crm.services import customer_create

    other = customer_create(actor=staff("customer_service", store=store_sh), store=store_sh,
                            name="外店客户", mobile="13600000000")
    with pytest.raises(ValidationError) as exc:
        complaint(team, store_bj, other)
    assert "customer" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        complaint(team, store_bj, None, received_at=clock.now() + dt.timedelta(days=1))
    assert "received_at" in exc.value.message_dict


def test_cr7_full_flow_with_events_and_audit(team, store_bj, customer, clock, no_suggestion):
    fb = complaint(team, store_bj, customer)
    clock.advance(hours=2)
    services.feedback_acknowledge(actor=team.cs, feedback=fb, note="已电话致歉")
    assert fb.status == FeedbackStatus.ACKNOWLEDGED and fb.acknowledged_at == clock.now()
    clock.advance(hours=1)
    services.feedback_start(actor=team.service_manager, feedback=fb)
    assert fb.status == FeedbackStatus.IN_PROGRESS
    clock.advance(hours=5)
    services.feedback_resolve(actor=team.service_manager, feedback=fb,
                              solution="免费赠送一次洗车并优化派工", compensation="200")
    assert fb.status == FeedbackStatus.RESOLVED and fb.compensation == Decimal("200.00")
    clock.advance(hours=20)
    services.feedback_close(actor=team.cs, feedback=fb, note="客户表示满意")
    assert fb.status == FeedbackStatus.CLOSED
    events = list(FeedbackEvent.objects.filter(feedback=fb).values_list(
        "action", "from_status", "to_status"))
    assert events == [("receive", "", "received"),
                      ("acknowledge", "received", "acknowledged"),
                      ("start", "acknowledged", "in_progress"),
                      ("resolve", "in_progress", "resolved"),
                      ("close", "resolved", "closed")]
    assert FeedbackEvent.objects.get(feedback=fb, action="acknowledge").by == team.cs
    assert set(AuditEvent.objects.filter(object_id=str(fb.pk)).values_list(
        "action", flat=True)) >= {"feedback.create", "feedback.acknowledge", "feedback.start",
                                  "feedback.resolve", "feedback.close"}


@pytest.mark.parametrize(("status_path", "action"), [
    ([], "start"),
    ([], "close"),
    ([], "close_attempt"),
    ([], "reopen"),
    (["acknowledge"], "acknowledge"),
    (["acknowledge", "start"], "start"),
    (["resolve"], "resolve"),
    (["resolve", "close"], "close"),
    (["resolve", "close"], "close_attempt"),
])
def test_cr7_invalid_transitions_are_409(team, store_bj, customer, clock, no_suggestion,
                                         status_path, action):
    fb = complaint(team, store_bj, customer)
    calls = {
        "acknowledge": lambda: services.feedback_acknowledge(actor=team.cs, feedback=fb),
        "start": lambda: services.feedback_start(actor=team.cs, feedback=fb),
        "resolve": lambda: services.feedback_resolve(actor=team.cs, feedback=fb,
                                                     solution="已处理"),
        "close": lambda: services.feedback_close(actor=team.cs, feedback=fb),
        "close_attempt": lambda: services.feedback_close_attempt(actor=team.cs, feedback=fb,
                                                                 note="未接通"),
        "reopen": lambda: services.feedback_reopen(actor=team.cs, feedback=fb, reason="不满意"),
    }
    for step in status_path:
        calls[step]()
    before = fb.status
    with pytest.raises(DomainError) as exc:
        calls[action]()
    assert exc.value.code == "invalid_transition"
    fb.refresh_from_db()
    assert fb.status == before


def test_cr7_resolve_acknowledges_and_checks_fields(team, store_bj, customer, clock,
                                                    no_suggestion):
    fb = complaint(team, store_bj, customer)
    with pytest.raises(ValidationError) as exc:
        services.feedback_resolve(actor=team.cs, feedback=fb, solution="  ")
    assert "solution" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.feedback_resolve(actor=team.cs, feedback=fb, solution="退款",
                                  compensation=Decimal("-1"))
    assert "compensation" in exc.value.message_dict
    clock.advance(hours=3)
    services.feedback_resolve(actor=team.cs, feedback=fb, solution="当场退还多收工时费")
    assert fb.acknowledged_at == fb.resolved_at == clock.now()
    assert fb.compensation == Decimal("0.00")


def test_cr7_three_documented_attempts_close(team, store_bj, customer, clock, no_suggestion):
    fb = complaint(team, store_bj, customer)
    services.feedback_resolve(actor=team.cs, feedback=fb, solution="已更换配件")
    with pytest.raises(ValidationError) as exc:
        services.feedback_close_attempt(actor=team.cs, feedback=fb, note="")
    assert "note" in exc.value.message_dict
    for day in range(1, 4):
        clock.advance(days=1)
        services.feedback_close_attempt(actor=team.cs, feedback=fb,
                                        note=f"第{day}次电话回访，无人接听")
        assert fb.close_attempts == day
        assert fb.status == (FeedbackStatus.CLOSED if day == 3 else FeedbackStatus.RESOLVED)
    assert fb.closed_at == clock.now()
    assert FeedbackEvent.objects.filter(feedback=fb, action="close_attempt").count() == 3


def test_cr7_reopen_restarts_the_resolve_clock(team, store_bj, customer, clock, no_suggestion):
    fb = complaint(team, store_bj, customer)
    services.feedback_acknowledge(actor=team.cs, feedback=fb)
    services.feedback_resolve(actor=team.cs, feedback=fb, solution="更换刹车片")
    services.feedback_close(actor=team.cs, feedback=fb)
    with pytest.raises(ValidationError) as exc:
        services.feedback_reopen(actor=team.cs, feedback=fb, reason="")
    assert "reason" in exc.value.message_dict
    clock.advance(days=5)
    services.feedback_reopen(actor=team.cs, feedback=fb, reason="异响依旧")
    assert fb.status == FeedbackStatus.REOPENED and fb.reopen_count == 1
    assert fb.resolve_due_at == clock.now() + dt.timedelta(hours=48)
    assert fb.resolved_at is None and fb.closed_at is None and fb.close_attempts == 0
    services.feedback_start(actor=team.cs, feedback=fb)
    services.feedback_resolve(actor=team.cs, feedback=fb, solution="更换刹车盘")
    services.feedback_reopen(actor=team.cs, feedback=fb, reason="仍不满意")
    assert fb.reopen_count == 2
    services.feedback_resolve(actor=team.cs, feedback=fb, solution="升级处理")
    assert fb.status == FeedbackStatus.RESOLVED


def test_cr9_corrective_actions_need_a_manager(team, store_bj, customer, clock, no_suggestion):
    fb = complaint(team, store_bj, customer)
    due = clock.today() + dt.timedelta(days=7)
    with pytest.raises(PermissionDenied):
        services.feedback_action_add(actor=team.cs, feedback=fb, kind="corrective",
                                     description="重新培训", owner=team.cs, due_date=due)
    with pytest.raises(ValidationError) as exc:
        services.feedback_action_add(actor=team.service_manager, feedback=fb, kind="other",
                                     description="", owner=team.cs, due_date=due)
    assert {"kind", "description"} <= set(exc.value.message_dict)
    action = services.feedback_action_add(
        actor=team.service_manager, feedback=fb, kind="preventive",
        description="前台增加派工进度看板", owner=team.cs, due_date=due)
    with pytest.raises(PermissionDenied):
        services.feedback_action_done(actor=team.consultant, action=action)
    services.feedback_action_done(actor=team.cs, action=action)  # the owner
    assert action.done_at == clock.now()
    with pytest.raises(DomainError) as exc:
        services.feedback_action_done(actor=team.service_manager, action=action)
    assert exc.value.code == "already_done"


def test_cr7_update_department_and_owner(team, store_bj, store_sh, staff, customer, clock,
                                         no_suggestion):
    fb = complaint(team, store_bj, customer, category="price")
    assert fb.department == "service"
    services.feedback_update(actor=team.cs, feedback=fb, owner=team.service_manager,
                             severity="high", root_cause="报价流程未执行")
    fb.refresh_from_db()
    assert fb.owner == team.service_manager and fb.severity == "high"
    with pytest.raises(ValidationError) as exc:
        services.feedback_update(actor=team.cs, feedback=fb,
                                 owner=staff("customer_service", store=store_sh))
    assert "owner" in exc.value.message_dict
    services.feedback_update(actor=team.cs, feedback=fb, category="facilities",
                             department="admin")
    fb.refresh_from_db()
    assert fb.department == "admin"
