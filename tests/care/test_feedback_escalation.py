"""CR-7: the scheduler escalates a missed deadline to the department manager and a second
miss (or a high-severity complaint) to the store manager; the escalation shows on their
home page and list."""

import datetime as dt
import re

import pytest

from siwei.care.models import FeedbackEvent
from siwei.care.selectors_feedback import escalated_to
from siwei.care.services import feedback as services
from siwei.care.services.feedback import feedback_escalate_due
from siwei.core.models import AuditEvent

from .feedback_support import *  # noqa: F403 - the fixtures
from .feedback_support import complaint

pytestmark = pytest.mark.django_db


def test_cr7_first_breach_level_1_second_level_2_idempotent(team, store_bj, customer, clock,
                                                            no_suggestion):
    fb = complaint(team, store_bj, customer, category="sales", subject="交车承诺未兑现")
    assert fb.department == "sales"
    clock.advance(hours=23, minutes=59)
    assert feedback_escalate_due() == 0
    clock.advance(minutes=2)  # 24 h passed, not acknowledged
    assert feedback_escalate_due() == 1
    assert feedback_escalate_due() == 0  # running twice escalates nothing twice
    fb.refresh_from_db()
    assert fb.escalation_level == 1 and fb.escalated_at == clock.now()
    assert services.escalation_role(fb) == "sales_manager"
    assert list(escalated_to(user=team.sales_manager, store=store_bj)) == [fb]
    assert list(escalated_to(user=team.service_manager, store=store_bj)) == []
    assert list(escalated_to(user=team.store_manager, store=store_bj)) == []
    services.feedback_acknowledge(actor=team.cs, feedback=fb)  # late
    clock.advance(hours=24)  # the resolve deadline is missed too: a second breach
    assert feedback_escalate_due() == 1
    assert feedback_escalate_due(now=clock.now() + dt.timedelta(minutes=15)) == 0
    fb.refresh_from_db()
    assert fb.escalation_level == 2
    assert list(escalated_to(user=team.store_manager, store=store_bj)) == [fb]
    assert list(escalated_to(user=team.sales_manager, store=store_bj)) == [fb]
    events = FeedbackEvent.objects.filter(feedback=fb, action="escalate").order_by("at")
    # The note names the level in the staff's language ("Level 1 …" / "第 1 级 …").
    assert [re.search(r"\d", e.note).group() for e in events] == ["1", "2"]
    assert AuditEvent.objects.filter(action="feedback.escalate",
                                     object_id=str(fb.pk)).count() == 2
    services.feedback_resolve(actor=team.sales_manager, feedback=fb, solution="赔偿并致歉")
    assert list(escalated_to(user=team.store_manager, store=store_bj)) == []


def test_cr7_resolve_breach_alone_is_level_1(team, store_bj, customer, clock, no_suggestion):
    fb = complaint(team, store_bj, customer, category="parts")
    services.feedback_acknowledge(actor=team.cs, feedback=fb)
    clock.advance(hours=49)
    assert feedback_escalate_due() == 1
    fb.refresh_from_db()
    assert fb.escalation_level == 1
    assert list(escalated_to(user=team.parts_manager, store=store_bj)) == [fb]


def test_cr7_high_severity_goes_to_store_manager(team, store_bj, customer, clock,
                                                 no_suggestion):
    fb = complaint(team, store_bj, customer, severity="high")
    low = complaint(team, store_bj, customer, subject="另一个投诉")
    clock.advance(hours=25)
    assert feedback_escalate_due() == 2
    fb.refresh_from_db()
    low.refresh_from_db()
    assert (fb.escalation_level, low.escalation_level) == (2, 1)
    assert list(escalated_to(user=team.store_manager, store=store_bj)) == [fb]
    assert set(escalated_to(user=team.service_manager, store=store_bj)) == {fb, low}


def test_cr7_no_escalation_for_non_complaints_or_done_work(team, store_bj, customer, clock,
                                                           no_suggestion):
    complaint(team, store_bj, customer, kind="suggestion", category="facilities")
    done = complaint(team, store_bj, customer)
    services.feedback_resolve(actor=team.cs, feedback=done, solution="当日处理完毕")
    clock.advance(days=5)
    assert feedback_escalate_due() == 0


def test_cr7_escalation_on_dashboard_and_list(team, store_bj, customer, clock, no_suggestion,
                                              client):
    fb = complaint(team, store_bj, customer, subject="客户投诉配件缺货", category="parts")
    clock.advance(hours=30)
    feedback_escalate_due()
    client.force_login(team.parts_manager)
    page = client.get("/", {"role": "parts_manager"})
    assert page.status_code == 200
    assert fb.number in _card(page)
    listing = client.get("/care/feedback/", {"mine": "escalated"})
    assert fb.number in listing.content.decode()
    client.force_login(team.sales_manager)
    page = client.get("/", {"role": "sales_manager"})
    assert 'id="card-escalated"' in page.content.decode()
    assert fb.number not in _card(page)


def _card(page) -> str:
    html = page.content.decode()
    start = html.index('id="card-escalated"')
    return html[start:html.index("</ul>", start)]
