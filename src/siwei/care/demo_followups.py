"""Demo data of the follow-up calls (CR-1 … CR-4): the sales and service steps created the
tasks through their events (deliveries, RO releases, appointments); here the past ones are
worked as the customer-service agents and managers would, through the services: most
calls done with the questionnaire's answers (mostly 4–5, a few low ones open complaints),
some unreachable after three tries on different days, a few cancelled. Today's and future
tasks stay pending for the "My calls" page. The full demo works a sample of the calls
with questionnaires through the services; the remaining older tasks are closed in bulk."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone

from siwei.core import clock
from siwei.demo.builder import DemoContext

from .models import AttemptOutcome, FollowUp, FollowUpAttempt, FollowUpKind, FollowUpStatus
from .services.followups import followup_cancel, followup_complete, followup_unreachable
from .services.surveys import questionnaire_for_kind, questionnaires_ensure_defaults

SURVEY_KINDS = {FollowUpKind.SERVICE_CALL, FollowUpKind.SALE_FIRST_CALL,
                FollowUpKind.SALE_SECOND_CALL}
PER_STORE_FULL = 110  # calls with questionnaires worked through the services per store
PER_STORE_SMALL = 8
OTHERS_FULL = 30  # other past tasks (thanks, reminders …) worked through the services

RESULTS = {
    FollowUpKind.SERVICE_CALL: ["客户表示车辆使用正常，对本次保养满意。",
                                "客户反映维修后异响已消除，感谢师傅。",
                                "客户表示交车准时，价格透明。",
                                "客户对服务顾问的解释很满意，下次保养会再来。"],
    FollowUpKind.SALE_FIRST_CALL: ["客户对新车很满意，已熟悉车机功能。",
                                   "客户表示交车流程顺利，感谢销售顾问。",
                                   "客户询问ETC办理方式，已告知。"],
    FollowUpKind.SALE_SECOND_CALL: ["已提醒首保时间（5000公里或6个月），客户表示会预约。",
                                    "客户已上牌，用车正常。",
                                    "客户询问保险理赔流程，已解答。"],
}
OTHER_RESULTS = ["已发送问候短信。", "客户表示用车正常，已提醒下次保养。", "已确认预约时间。",
                 "已电话问候，客户表示感谢。"]
COMPLAINTS = ["交车比承诺时间晚了两个多小时，也没有人提前通知。",
              "结算价格比报价多了三百多元，服务顾问没有解释清楚。",
              "保养后车内有油污，座椅套没有铺好。",
              "同一个异响修了两次还没有修好，希望给个说法。"]
SUGGESTIONS = ["休息区可以多放几个充电口。", "希望周末也能预约保养。", "洗车可以再仔细一些。",
               "", "", ""]
DECLINED = "客户不便做问卷，表示用车正常。"
CANCEL_REASONS = ["客户已将车辆转卖", "客户要求不再回访", "号码已停机，改由短信联系"]


def _role_user(store, code: str):
    from siwei.core.models import StaffAssignment

    row = (StaffAssignment.objects.filter(store=store, role__code=code,
                                          employee__is_active=True)
           .select_related("employee__user").order_by("id").first())
    return row.employee.user if row else None


def _worker(task: FollowUp, agents: dict):
    if task.assignee_id:  # one object per person, so that their permissions are cached
        return agents.setdefault(("user", task.assignee_id), task.assignee)
    return agents.get(task.assignee_role) or agents["store_manager"] or \
        agents["customer_service"]


def _at(day_time: dt.datetime, rng, now: dt.datetime) -> dt.datetime:
    """A moment during office hours of the day of ``day_time`` (never in the future)."""
    local = timezone.localtime(day_time)
    moment = local.replace(hour=rng.randint(9, 17), minute=rng.randint(0, 59), second=0,
                           microsecond=0)
    return min(moment, now - dt.timedelta(minutes=5))


def _answers(questions, rng, unhappy: bool) -> dict[int, object]:
    scores: dict[int, object] = {}
    satisfaction = []
    for q in questions:
        if q.answer_type == "scale_5":
            if unhappy:
                value = rng.choice([1, 2, 2, 3, 3, 4])
            else:
                value = rng.choices([5, 4, 3, 2], weights=[58, 33, 7, 2])[0]
            satisfaction.append(value)
            scores[q.pk] = value
    mean = sum(satisfaction) / len(satisfaction) if satisfaction else 4
    for q in questions:
        if q.answer_type == "nps":
            base = 10 if mean >= 4.6 else 9 if mean >= 4.2 else 8 if mean >= 3.6 else 5
            scores[q.pk] = max(0, min(10, base + rng.choice([-2, -1, 0, 0, 0, 1])))
        elif q.answer_type == "yes_no":
            chance = {"buy_again": 0.85, "recommend": 0.88, "other_brands": 0.3,
                      "tell_us_first": 0.8}.get(q.measure, 0.5)
            if unhappy and q.measure != "other_brands":
                chance -= 0.4
            scores[q.pk] = "yes" if rng.random() < chance else "no"
        elif q.answer_type == "choice":
            scores[q.pk] = rng.choices(q.choices, weights=[8, 2, 1][:len(q.choices)])[0]
        elif q.answer_type == "text":
            text = rng.choice(SUGGESTIONS)
            if text:
                scores[q.pk] = text
    return scores


def _work_survey_call(task: FollowUp, ctx: DemoContext, agents: dict, questions,
                      now: dt.datetime) -> None:
    rng = ctx.rng
    actor = _worker(task, agents)
    due = task.due_at
    fate = rng.random()
    tries = []
    if fate < 0.06 and (now - due).days >= 3:
        tries = [0, 1, 2]  # unreachable three times
    elif fate < 0.14 and (now - due).days >= 2:
        tries = [0]  # reached on the second day
    for offset in tries:
        with clock.frozen(_at(due + dt.timedelta(days=offset), rng, now)):
            task = followup_unreachable(actor=actor, follow_up=task,
                                        note=rng.choice(["无人接听", "关机", "正在通话中"]))
    if task.status != FollowUpStatus.PENDING:
        return
    with clock.frozen(_at(due + dt.timedelta(days=len(tries)), rng, now)):
        if 0.14 <= fate < 0.17:
            followup_cancel(actor=actor, follow_up=task, reason=rng.choice(CANCEL_REASONS))
            return
        unhappy = 0.17 <= fate < 0.21
        complaint = rng.choice(COMPLAINTS) if 0.21 <= fate < 0.23 else ""
        followup_complete(actor=actor, follow_up=task,
                          result=rng.choice(RESULTS.get(task.kind, OTHER_RESULTS)),
                          scores=_answers(questions, rng, unhappy), complaint_text=complaint)


def _sample(tasks: list, count: int) -> list:
    """``count`` tasks spread evenly over the list (the most recent always included)."""
    if len(tasks) <= count:
        return tasks
    step = len(tasks) / count
    picked = {int(len(tasks) - 1 - i * step) for i in range(count)}
    return [tasks[i] for i in sorted(picked)]


def build_followups(ctx: DemoContext) -> None:
    """Follow-up calls of the past: answered surveys, complaints, retries, cancellations."""
    if ctx.group is None:
        return
    questionnaires_ensure_defaults(group=ctx.group)
    now = clock.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    rng = ctx.rng
    for store in ctx.stores:
        agents = {code: _role_user(store, code) for code in (
            "customer_service", "sales_manager", "service_manager", "store_manager",
            "service_advisor", "sales_consultant")}
        if agents["customer_service"] is None:
            continue
        questions = {kind: list(q.questions.all()) for kind in SURVEY_KINDS
                     if (q := questionnaire_for_kind(group=ctx.group, kind=kind))}
        past = list(FollowUp.objects.for_store(store)
                    .filter(status=FollowUpStatus.PENDING, due_at__lt=today)
                    .select_related("store__group", "assignee").order_by("due_at", "id"))
        # A few of the last three days stay overdue for the supervisors' list.
        recent = today - dt.timedelta(days=3)
        past = [t for t in past if t.due_at < recent or rng.random() < 0.75]
        survey = [t for t in past if t.kind in SURVEY_KINDS]
        others = [t for t in past if t.kind not in SURVEY_KINDS]
        worked = _sample(survey, PER_STORE_SMALL if ctx.small else PER_STORE_FULL)
        for task in worked:
            _work_survey_call(task, ctx, agents, questions.get(task.kind, []), now)
        worked_others = _sample(others, 4 if ctx.small else OTHERS_FULL)
        for task in worked_others:
            with clock.frozen(_at(task.due_at, rng, now)):
                followup_complete(actor=_worker(task, agents), follow_up=task,
                                  result=rng.choice(OTHER_RESULTS))
        done = {t.pk for t in worked} | {t.pk for t in worked_others}
        _close_in_bulk([t for t in past if t.pk not in done], agents, rng, now)


def _close_in_bulk(tasks: list[FollowUp], agents: dict, rng, now: dt.datetime) -> None:
    """Older tasks not sampled: done at their due time (the customer declined the
    questionnaire) with a reached attempt, a few unreachable; written in bulk (one update
    per person and outcome) to keep the demo fast."""
    groups: dict[tuple, list[int]] = {}
    attempts = []
    for task in tasks:
        actor = _worker(task, agents)
        unreachable = rng.random() < 0.05
        status = FollowUpStatus.UNREACHABLE if unreachable else FollowUpStatus.DONE
        result = "无人接听" if unreachable else (
            DECLINED if task.kind in SURVEY_KINDS else rng.choice(OTHER_RESULTS))
        groups.setdefault((actor.pk, status, result), []).append(task.pk)
        attempts.append(FollowUpAttempt(
            follow_up=task, at=task.due_at, by=actor, note=result,
            outcome=AttemptOutcome.UNREACHABLE if unreachable else AttemptOutcome.REACHED))
    for (actor_id, status, result), ids in groups.items():
        FollowUp.objects.filter(pk__in=ids).update(
            status=status, result=result, attempts=1, completed_at=F("due_at"),
            completed_by_id=actor_id)
    FollowUpAttempt.objects.bulk_create(attempts, batch_size=500)
