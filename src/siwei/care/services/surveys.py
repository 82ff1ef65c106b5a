"""Questionnaires and answers of the follow-up calls (CR-4).

Scores:

- **CSI** (customer satisfaction index) of one response = the average of its answered
  ``satisfaction`` items (1–5 scale) mapped to 100 as ``score × 20`` (5 → 100, 3 → 60,
  1 → 20), two decimals. A response without satisfaction items has no CSI. The CSI of a
  group of responses is the average of their CSIs.
- **NPS score** of one response = its 0–10 "would you recommend" answer. The NPS of a group
  = % promoters (9–10) − % detractors (0–6) of the responses that answered it (−100 … 100).
- **Loyalty items** (would buy the brand again, would recommend, considered other brands,
  would tell us first): yes/no questions; their result is the share of "yes".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from siwei.core.transactions import service_transaction

from ..models import AnswerType, FollowUpKind, Measure, Question, Questionnaire

SALES_CODE = "sales-follow-up"
SERVICE_CODE = "service-follow-up"
SALES_KINDS = [FollowUpKind.SALE_FIRST_CALL, FollowUpKind.SALE_SECOND_CALL]
SERVICE_KINDS = [FollowUpKind.SERVICE_CALL]

# Question texts are data (Chinese, as asked on the phone), not UI strings.
_LOYALTY = [
    ("如果再次购车，您是否还会选择本品牌？", Measure.BUY_AGAIN),
    ("您是否愿意向亲友推荐我们店？", Measure.RECOMMEND),
    ("购车/维修前您是否考虑过其他品牌或其他门店？", Measure.OTHER_BRANDS),
    ("如有不满意，您是否会先告诉我们，而不是向其他渠道投诉？", Measure.TELL_US_FIRST),
]
_NPS = "在0到10分之间，您有多大可能向朋友或同事推荐我们店？"

DEFAULTS = [
    {"code": SALES_CODE, "name": "新车交付回访问卷", "kinds": [str(k) for k in SALES_KINDS],
     "questions": [
         ("您对新车的使用感受满意吗？", AnswerType.SCALE_5, Measure.SATISFACTION, True, []),
         ("您对销售顾问的服务（讲解、交车说明）满意吗？", AnswerType.SCALE_5,
          Measure.SATISFACTION, True, []),
         ("您对本店整体的购车体验（环境、手续、效率）满意吗？", AnswerType.SCALE_5,
          Measure.SATISFACTION, True, []),
         (_NPS, AnswerType.NPS, Measure.NPS, True, []),
         *[(text, AnswerType.YES_NO, measure, True, []) for text, measure in _LOYALTY],
         ("车辆上牌办理得怎么样？", AnswerType.CHOICE, Measure.NONE, False,
          ["已上牌", "办理中", "需要协助"]),
         ("您还有什么意见或建议？", AnswerType.TEXT, Measure.NONE, False, []),
     ]},
    {"code": SERVICE_CODE, "name": "维修保养回访问卷", "kinds": [str(k) for k in SERVICE_KINDS],
     "questions": [
         ("这次维修保养是否一次修好？", AnswerType.SCALE_5, Measure.SATISFACTION, True, []),
         ("车辆是否按承诺的时间交车？", AnswerType.SCALE_5, Measure.SATISFACTION, True, []),
         ("结算价格与报价是否一致？", AnswerType.SCALE_5, Measure.SATISFACTION, True, []),
         ("您对服务顾问和维修人员的服务态度满意吗？", AnswerType.SCALE_5,
          Measure.SATISFACTION, True, []),
         ("交车时车辆内外是否干净整洁？", AnswerType.SCALE_5, Measure.SATISFACTION, True, []),
         (_NPS, AnswerType.NPS, Measure.NPS, True, []),
         *[(text, AnswerType.YES_NO, measure, True, []) for text, measure in _LOYALTY],
         ("您还有什么意见或建议？", AnswerType.TEXT, Measure.NONE, False, []),
     ]},
]


@service_transaction
def questionnaires_ensure_defaults(*, group) -> list[Questionnaire]:
    """The group's sales and service questionnaires (CR-4), created on first use. Running
    it again changes nothing (a questionnaire the group edited is left as it is)."""
    result = []
    for spec in DEFAULTS:
        questionnaire, created = Questionnaire.objects.get_or_create(
            group=group, code=spec["code"],
            defaults={"name": spec["name"], "kinds": spec["kinds"]})
        if created:
            Question.objects.bulk_create([
                Question(questionnaire=questionnaire, position=position, text=text,
                         answer_type=answer_type, measure=measure, required=required,
                         choices=choices)
                for position, (text, answer_type, measure, required, choices)
                in enumerate(spec["questions"], start=1)])
        result.append(questionnaire)
    return result


def questionnaire_for_kind(*, group, kind: str) -> Questionnaire | None:
    """The active questionnaire asked in follow-ups of ``kind`` (None if the kind asks no
    scores). The defaults are created lazily."""
    def find() -> Questionnaire | None:
        return next((q for q in Questionnaire.objects.filter(group=group, is_active=True)
                     .order_by("id") if kind in (q.kinds or [])), None)

    found = find()
    if found is None and (kind in SALES_KINDS or kind in SERVICE_KINDS):
        questionnaires_ensure_defaults(group=group)
        found = find()
    return found


_YES = {"yes", "y", "true", "1", "是"}
_NO = {"no", "n", "false", "0", "否"}


@dataclass
class CleanAnswer:
    question: Question
    number: int | None = None
    text: str = ""


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _clean_one(question: Question, value: Any) -> CleanAnswer:
    """One answer checked against its question's type, or ValueError with the reason."""
    kind = question.answer_type
    if kind in (AnswerType.SCALE_5, AnswerType.NPS):
        low, high = (1, 5) if kind == AnswerType.SCALE_5 else (0, 10)
        number = _as_int(value)
        if number is None or not low <= number <= high:
            raise ValueError(_("a whole number from %(low)s to %(high)s")
                             % {"low": low, "high": high})
        return CleanAnswer(question, number=number)
    if kind == AnswerType.YES_NO:
        token = str(value).strip().lower() if not isinstance(value, bool) else (
            "yes" if value else "no")
        if token in _YES:
            return CleanAnswer(question, number=1)
        if token in _NO:
            return CleanAnswer(question, number=0)
        raise ValueError(_("yes or no"))
    if kind == AnswerType.CHOICE:
        if str(value) not in [str(c) for c in question.choices or []]:
            raise ValueError(_("one of: %(choices)s")
                             % {"choices": ", ".join(str(c) for c in question.choices or [])})
        return CleanAnswer(question, text=str(value))
    return CleanAnswer(question, text=str(value).strip())


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def answers_clean(*, questionnaire: Questionnaire,
                  scores: dict[Any, Any] | None) -> list[CleanAnswer]:
    """Check ``scores`` ({question id: value}) against the questionnaire: the value fits the
    question's type (scale 1–5, 0–10, yes/no, one of the choices, text), every required
    question is answered, no unknown question. Errors → ValidationError on ``scores``
    naming the question."""
    scores = scores or {}
    if not isinstance(scores, dict):
        raise ValidationError({"scores": [_("Give the answers as {question id: value}.")]})
    questions = {q.pk: q for q in questionnaire.questions.all()}
    errors: list[str] = []
    given: dict[int, Any] = {}
    for key, value in scores.items():
        qid = _as_int(key)
        if qid is None or qid not in questions:
            errors.append(_("Question %(id)s is not in this questionnaire.") % {"id": key})
            continue
        given[qid] = value
    answers = []
    for qid, question in sorted(questions.items(), key=lambda item: item[1].position):
        value = given.get(qid)
        if _blank(value):
            if question.required:
                errors.append(_("Question %(id)s (%(text)s) needs an answer.")
                              % {"id": qid, "text": question.text})
            continue
        try:
            answers.append(_clean_one(question, value))
        except ValueError as reason:
            errors.append(_("Question %(id)s (%(text)s) needs %(expected)s.")
                          % {"id": qid, "text": question.text, "expected": reason})
    if errors:
        raise ValidationError({"scores": errors})
    return answers


HUNDRED = Decimal("0.01")


def csi_of(answers: list[CleanAnswer]) -> Decimal | None:
    """CSI of one response: the satisfaction items' average × 20 (see the module doc)."""
    values = [a.number for a in answers
              if a.question.measure == Measure.SATISFACTION and a.number is not None]
    if not values:
        return None
    return (Decimal(sum(values)) * 20 / len(values)).quantize(HUNDRED, ROUND_HALF_UP)


def nps_score_of(answers: list[CleanAnswer]) -> int | None:
    return next((a.number for a in answers
                 if a.question.measure == Measure.NPS and a.number is not None), None)


def nps_of(scores: list[int]) -> Decimal | None:
    """NPS of a group: % promoters (9–10) − % detractors (0–6); None without answers."""
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return (Decimal(promoters - detractors) * 100 / len(scores)).quantize(
        Decimal("0.1"), ROUND_HALF_UP)
