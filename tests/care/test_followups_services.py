"""CR-1 … CR-4 services: completing a call with the questionnaire (CSI, NPS, the staff
rated), the automatic complaint (CR-3), unreachable retries on different days, cancel,
reassign and who may work a task; CR-2 tasks on delivery."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from siwei.care.models import (
    AttemptOutcome,
    Feedback,
    FeedbackCategory,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Question,
    Questionnaire,
    SurveyResponse,
    care_settings,
)
from siwei.care.services import (
    followup_cancel,
    followup_complete,
    followup_reassign,
    followup_unreachable,
    followups_after_delivery,
    questionnaire_for_kind,
    questionnaires_ensure_defaults,
)
from siwei.core.audit import AuditEvent
from siwei.core.errors import DomainError
from tests.care.followups_support import *  # noqa: F403 - the fixtures
from tests.care.followups_support import scores_for, service_questions, service_task

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def test_cr4_default_questionnaires_are_created_once_with_the_required_items(group):
    first = questionnaires_ensure_defaults(group=group)
    again = questionnaires_ensure_defaults(group=group)
    assert [q.pk for q in first] == [q.pk for q in again]
    assert Questionnaire.objects.filter(group=group).count() == 2
    sales = questionnaire_for_kind(group=group, kind=FollowUpKind.SALE_FIRST_CALL)
    service = questionnaire_for_kind(group=group, kind=FollowUpKind.SERVICE_CALL)
    assert sales.code == "sales-follow-up" and service.code == "service-follow-up"
    assert questionnaire_for_kind(group=group, kind=FollowUpKind.SALE_SECOND_CALL) == sales
    assert questionnaire_for_kind(group=group, kind=FollowUpKind.BIRTHDAY) is None
    for questionnaire, satisfaction in ((sales, 3), (service, 5)):
        measures = list(questionnaire.questions.values_list("measure", flat=True))
        assert measures.count("satisfaction") == satisfaction
        assert measures.count("nps") == 1
        assert {"buy_again", "recommend", "other_brands", "tell_us_first"} <= set(measures)
        assert questionnaire.questions.filter(answer_type="text").count() == 1
    assert Question.objects.filter(questionnaire=service, text__contains="一次修好").exists()


def test_cr1_cr4_completing_a_service_call_stores_answers_csi_nps_and_staff(group, team,
                                                                          ro, task, clock):
    # Satisfaction 5, 4, 5, 3, 4 → mean 4.2 → CSI 4.2 × 20 = 84.00; recommend 9.
    scores = scores_for(group, [5, 4, 5, 3, 4], 9, text="休息区很舒服")
    done = followup_complete(actor=team.cs, follow_up=task, result="客户满意",
                             scores=scores)
    assert done.status == FollowUpStatus.DONE and task.status == FollowUpStatus.DONE
    task.refresh_from_db()
    assert task.completed_by == team.cs and task.completed_at == clock.now()
    assert task.attempts == 1 and task.feedback is None
    attempt = task.attempt_log.get()
    assert attempt.outcome == AttemptOutcome.REACHED and attempt.by == team.cs
    response = SurveyResponse.objects.get(follow_up=task)
    assert response.csi == Decimal("84.00") and response.nps_score == 9
    assert response.advisor == team.advisor
    assert response.technician == team.tech2  # the main (largest) job's technician
    assert response.consultant is None and response.answered_by == team.cs
    assert response.answers.count() == len(scores)
    assert response.answers.get(text="休息区很舒服")
    assert AuditEvent.objects.filter(action="followup.complete", object_id=str(task.pk)).exists()


def test_cr3_low_csi_opens_a_complaint_linked_to_the_task_and_the_ro(group, team, ro, task):
    # 2, 3, 2, 3, 2 → mean 2.4 → CSI 48.00 < 60 (the default threshold).
    followup_complete(actor=team.cs, follow_up=task, result="客户不满意",
                      scores=scores_for(group, [2, 3, 2, 3, 2], 4))
    task.refresh_from_db()
    assert SurveyResponse.objects.get(follow_up=task).csi == Decimal("48.00")
    complaint = task.feedback
    assert complaint is not None
    assert (complaint.channel, complaint.kind) == ("follow_up", "complaint")
    assert complaint.repair_order == ro and complaint.follow_up == task
    assert complaint.customer == task.customer
    assert complaint.category in FeedbackCategory.values  # suggested, or service quality
    assert "48" in complaint.subject and complaint.acknowledge_due_at is not None


def test_cr3_threshold_is_the_stores_setting(group, store_bj, team, ro, task):
    settings = care_settings(store_bj)
    settings.complaint_csi_below = Decimal("90")
    settings.save()
    followup_complete(actor=team.cs, follow_up=task, result="",
                      scores=scores_for(group, [5, 4, 5, 4, 4], 9))  # CSI 88 < 90
    task.refresh_from_db()
    assert task.feedback is not None


def test_cr3_a_complaint_in_the_call_opens_one_even_with_high_scores(group, team, ro, task):
    followup_complete(actor=team.cs, follow_up=task, result="",
                      scores=scores_for(group, [5, 5, 5, 5, 5], 10),
                      complaint_text="交车晚了两个小时\n没有人通知")
    task.refresh_from_db()
    assert SurveyResponse.objects.get(follow_up=task).csi == Decimal("100.00")
    assert task.feedback.subject == "交车晚了两个小时"
    assert "没有人通知" in task.feedback.content
    assert Feedback.objects.count() == 1


def test_cr4_answers_are_checked_against_the_question_types(group, team, task):
    q = service_questions(group)
    good = scores_for(group, [5, 4, 5, 3, 4], 9)
    sat, nps, yes_no = q["satisfaction"][0], q["nps"][0], q["loyalty"][0]
    for bad_key, bad_value in ((sat.pk, 6), (sat.pk, "很好"), (nps.pk, 11), (nps.pk, -1),
                               (yes_no.pk, "maybe"), (99999, 3)):
        with pytest.raises(ValidationError) as err:
            followup_complete(actor=team.cs, follow_up=task, result="",
                              scores={**good, bad_key: bad_value})
        message = " ".join(err.value.message_dict["scores"])
        assert str(bad_key) in message
    missing = {k: v for k, v in good.items() if k != sat.pk}
    with pytest.raises(ValidationError) as err:
        followup_complete(actor=team.cs, follow_up=task, result="", scores=missing)
    assert sat.text in " ".join(err.value.message_dict["scores"])
    with pytest.raises(ValidationError):
        followup_complete(actor=team.cs, follow_up=task, result="客户不愿意回答")
    task.refresh_from_db()
    assert task.status == FollowUpStatus.PENDING and not task.attempt_log.exists()
    # Yes/no also as booleans and 1/0; text keys as strings.
    followup_complete(actor=team.cs, follow_up=task, result="", scores={
        **good, yes_no.pk: True, str(q["loyalty"][1].pk): "0"})
    response = SurveyResponse.objects.get(follow_up=task)
    assert response.answers.get(question=yes_no).number == 1
    assert response.answers.get(question=q["loyalty"][1]).number == 0


def test_cr4_choice_question_of_the_sales_questionnaire(group):
    from siwei.care.services.surveys import answers_clean

    questionnaire = questionnaire_for_kind(group=group, kind=FollowUpKind.SALE_FIRST_CALL)
    choice = questionnaire.questions.get(answer_type="choice")
    base = {q.pk: (5 if q.answer_type == "scale_5" else 10 if q.answer_type == "nps" else "yes")
            for q in questionnaire.questions.filter(required=True)}
    with pytest.raises(ValidationError) as err:
        answers_clean(questionnaire=questionnaire, scores={**base, choice.pk: "没上牌"})
    assert str(choice.pk) in err.value.message_dict["scores"][0]
    answers = answers_clean(questionnaire=questionnaire, scores={**base, choice.pk: "已上牌"})
    assert any(a.text == "已上牌" for a in answers)


def test_cr1_unreachable_retries_on_different_days_and_the_third_ends_it(team, task, clock):
    due = task.due_at
    followup_unreachable(actor=team.cs, follow_up=task, note="无人接听")
    task.refresh_from_db()
    assert task.status == FollowUpStatus.PENDING and task.attempts == 1
    assert task.due_at == dt.datetime(2026, 11, 23, 9, 0, tzinfo=TZ) and task.due_at > due
    clock.advance(hours=5)  # same calendar day
    with pytest.raises(DomainError) as err:
        followup_unreachable(actor=team.cs2, follow_up=task)
    assert err.value.code == "same_day_retry"
    clock.set(dt.datetime(2026, 11, 23, 10, 0, tzinfo=TZ))
    followup_unreachable(actor=team.cs2, follow_up=task)
    task.refresh_from_db()
    assert task.status == FollowUpStatus.PENDING
    assert task.due_at == dt.datetime(2026, 11, 24, 9, 0, tzinfo=TZ)
    clock.set(dt.datetime(2026, 11, 24, 16, 0, tzinfo=TZ))
    followup_unreachable(actor=team.cs, follow_up=task, note="关机")
    task.refresh_from_db()
    assert task.status == FollowUpStatus.UNREACHABLE and task.attempts == 3
    assert task.completed_by == team.cs
    assert list(task.attempt_log.values_list("outcome", flat=True)) == ["unreachable"] * 3
    with pytest.raises(DomainError) as err:
        followup_unreachable(actor=team.cs, follow_up=task)
    assert err.value.code == "invalid_transition"


def test_cr1_reached_after_an_unreachable_try(group, team, task, clock):
    followup_unreachable(actor=team.cs, follow_up=task)
    clock.advance(days=1)
    followup_complete(actor=team.cs, follow_up=task, result="第二天联系上",
                      scores=scores_for(group, [4, 4, 4, 4, 4], 8))
    task.refresh_from_db()
    assert task.status == FollowUpStatus.DONE and task.attempts == 2
    assert list(task.attempt_log.values_list("outcome", flat=True)) == ["unreachable",
                                                                       "reached"]


def test_cr1_done_and_cancelled_tasks_refuse_further_actions(group, team, task, ro):
    followup_complete(actor=team.cs, follow_up=task, result="",
                      scores=scores_for(group, [5, 5, 5, 5, 5], 10))
    for call in (lambda: followup_complete(actor=team.cs, follow_up=task, result="again"),
                 lambda: followup_cancel(actor=team.cs, follow_up=task, reason="x"),
                 lambda: followup_reassign(actor=team.supervisor, follow_up=task,
                                           assignee=team.cs2)):
        with pytest.raises(DomainError) as err:
            call()
        assert err.value.code == "invalid_transition"
    other = service_task(ro, due_at=task.due_at + dt.timedelta(days=30))
    with pytest.raises(ValidationError) as verr:
        followup_cancel(actor=team.cs, follow_up=other, reason=" ")
    assert "reason" in verr.value.message_dict
    followup_cancel(actor=team.cs, follow_up=other, reason="客户车辆已转卖")
    other.refresh_from_db()
    assert other.status == FollowUpStatus.CANCELLED and other.result == "客户车辆已转卖"


def test_cr1_who_may_work_a_task(group, team, ro, staff, store_bj):
    personal = service_task(ro, assignee=team.cs)
    with pytest.raises(PermissionDenied):  # another agent: not hers
        followup_unreachable(actor=team.cs2, follow_up=personal)
    with pytest.raises(PermissionDenied):  # not in the role queue either
        followup_cancel(actor=team.consultant, follow_up=personal, reason="x")
    followup_unreachable(actor=team.supervisor, follow_up=personal)  # a supervisor may
    queued = service_task(ro, due_at=personal.due_at + dt.timedelta(days=10))
    followup_unreachable(actor=team.cs2, follow_up=queued)  # anyone of the queue
    with pytest.raises(PermissionDenied):
        followup_unreachable(actor=team.advisor, follow_up=
                             service_task(ro, due_at=personal.due_at + dt.timedelta(days=20)))


def test_cr1_reassign_needs_a_supervisor_and_a_person_of_the_store(team, task, staff,
                                                                   store_sh):
    with pytest.raises(PermissionDenied):
        followup_reassign(actor=team.cs, follow_up=task, assignee=team.cs2)
    with pytest.raises(ValidationError) as err:
        followup_reassign(actor=team.supervisor, follow_up=task)
    assert "assignee" in err.value.message_dict
    stranger = staff("customer_service", store=store_sh)
    with pytest.raises(ValidationError):
        followup_reassign(actor=team.supervisor, follow_up=task, assignee=stranger)
    with pytest.raises(ValidationError) as err:
        followup_reassign(actor=team.supervisor, follow_up=task, assignee_role="pilot")
    assert "assignee_role" in err.value.message_dict
    followup_reassign(actor=team.supervisor, follow_up=task, assignee=team.cs2)
    task.refresh_from_db()
    assert task.assignee == team.cs2 and task.assignee_role == ""
    with pytest.raises(PermissionDenied):  # now cs2's own task
        followup_unreachable(actor=team.cs, follow_up=task)
    assert AuditEvent.objects.filter(action="followup.reassign").count() == 1


def test_cr2_delivery_schedules_the_series_and_the_sales_calls_rate_the_consultant(
        group, store_bj, team, owner, clock):
    from siwei.sales.services import order_create
    from tests.sales_factories import make_model

    customer, vehicle = owner
    customer.birthday = dt.date(1988, 3, 8)
    customer.save()
    model, trim = make_model(group)
    order = order_create(actor=team.consultant, store=store_bj, customer=customer, model=model,
                         trim=trim, vehicle_price=Decimal("118000"))
    tasks = followups_after_delivery(order=order, vehicle=vehicle, delivered_at=clock.now())
    kinds = [t.kind for t in tasks]
    assert kinds.count(FollowUpKind.SALE_BIMONTHLY) == 6
    assert {FollowUpKind.SALE_THANKS, FollowUpKind.SALE_FIRST_CALL,
            FollowUpKind.SALE_SECOND_CALL, FollowUpKind.PURCHASE_ANNIVERSARY,
            FollowUpKind.BIRTHDAY} <= set(kinds)
    assert len(followups_after_delivery(order=order, vehicle=vehicle,
                                        delivered_at=clock.now())) == len(tasks)
    assert FollowUp.objects.filter(customer=customer).count() == len(tasks)
    first = next(t for t in tasks if t.kind == FollowUpKind.SALE_FIRST_CALL)
    assert first.assignee == team.sales_manager
    questionnaire = questionnaire_for_kind(group=group, kind=first.kind)
    scores = {q.pk: (4 if q.answer_type == "scale_5" else 6 if q.answer_type == "nps"
                     else "yes") for q in questionnaire.questions.filter(required=True)}
    clock.advance(days=1)
    followup_complete(actor=team.sales_manager, follow_up=first, result="",
                      scores=scores, complaint_text="上牌手续一直没有办好")
    response = SurveyResponse.objects.get(follow_up=first)
    assert response.consultant == team.consultant and response.advisor is None
    assert response.csi == Decimal("80.00") and response.nps_score == 6
    first.refresh_from_db()
    assert first.feedback.sales_order == order and first.feedback.department == "sales"


def test_cr1_a_customer_who_declines_the_survey_is_reached_without_answers(group, team, task):
    """Reached but no questionnaire: the task is done, no response is stored, and answers
    given anyway are refused (400 on ``scores``)."""
    with pytest.raises(ValidationError) as err:
        followup_complete(actor=team.cs, follow_up=task, result="",
                          scores=scores_for(group, [5, 5, 5, 5, 5], 10), survey_declined=True)
    assert "scores" in err.value.message_dict
    followup_complete(actor=team.cs, follow_up=task, result="", survey_declined=True)
    task.refresh_from_db()
    assert task.status == FollowUpStatus.DONE and task.result
    assert not SurveyResponse.objects.filter(follow_up=task).exists()
    assert task.attempt_log.get().outcome == "reached"
