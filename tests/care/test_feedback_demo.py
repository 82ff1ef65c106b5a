"""CR-6, CR-7, CR-9 demo: feedback in every state, escalations, reopened complaints, root
causes and actions, built through the services deterministically."""

import random

import pytest

from siwei.care.demo_feedback import build_feedback
from siwei.care.models import Feedback, FeedbackAction, FeedbackStatus
from siwei.care.selectors_feedback import escalated_to, sla_clocks
from siwei.care.services.feedback import feedback_escalate_due
from siwei.demo.builder import DemoContext, build_organisation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("small", [True])
def test_cr7_demo_builds_every_state(clock, small):
    ctx = DemoContext(rng=random.Random(5), small=small)
    build_organisation(ctx)
    build_feedback(ctx)
    store = ctx.stores[0]
    rows = Feedback.objects.for_store(store)
    assert set(rows.values_list("status", flat=True)) >= {
        FeedbackStatus.RECEIVED, FeedbackStatus.IN_PROGRESS, FeedbackStatus.CLOSED,
        FeedbackStatus.REOPENED, FeedbackStatus.ACKNOWLEDGED}
    assert rows.filter(escalation_level=2).exists() and rows.filter(escalation_level=1).exists()
    assert feedback_escalate_due() == 0  # the demo left nothing to escalate
    colours = {c["colour"] for f in rows for c in sla_clocks(f)}
    assert colours == {"success", "warning", "danger"}
    from siwei.core.models import StaffAssignment

    boss = StaffAssignment.objects.filter(store=store, role__code="store_manager").first()
    assert escalated_to(user=boss.employee.user, store=store).exists()
    assert all(f.number.startswith(f"FB-{store.code}-") for f in rows)
    assert Feedback.objects.count() == Feedback.objects.filter(
        store__in=ctx.stores).count() > 10


def test_cr9_demo_full_history_has_root_causes_and_actions(clock):
    ctx = DemoContext(rng=random.Random(9), small=False)
    build_organisation(ctx)
    build_feedback(ctx)
    rows = Feedback.objects.for_store(ctx.stores[0])
    assert rows.count() > 150
    assert rows.exclude(root_cause="").count() > 10
    assert rows.filter(reopen_count__gt=0).exists()
    assert rows.filter(close_attempts=3, status=FeedbackStatus.CLOSED).exists()
    actions = FeedbackAction.objects.filter(feedback__store=ctx.stores[0])
    assert actions.filter(done_at__isnull=False).exists()
    assert actions.filter(done_at__isnull=True).exists()
    kinds = set(rows.values_list("kind", flat=True))
    assert kinds == {"complaint", "praise", "suggestion", "inquiry"}
