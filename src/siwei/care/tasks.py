"""Background tasks of customer care (run by the task worker, enqueued by
``siwei scheduler``; see ``schedule.py``). Thin wrappers over the services."""

from __future__ import annotations

from django_tasks import task

from siwei.core import clock
from siwei.core.models import Store
from siwei.core.scheduling import jsonable


@task()
def create_reminders() -> dict[str, dict[str, int]]:
    """Daily (CR-5): the reminder tasks and messages of today in every active store.
    Running it again the same day creates nothing twice."""
    from .services.reminders import reminders_create

    today = clock.today()
    return {store.code: reminders_create(store=store, today=today)
            for store in Store.objects.filter(is_active=True).order_by("code")}


@task()
def escalate_complaints():
    """Every 15 minutes (CR-7): complaints past their acknowledge or resolve deadline are
    escalated to the department manager, a second breach to the store manager."""
    from .services.feedback import feedback_escalate_due

    return jsonable(feedback_escalate_due(now=clock.now()))


@task()
def send_campaigns():
    """Every 5 minutes (CR-11, CR-12): send the campaigns whose time has come, then hand
    the queued messages (campaigns, reminders) to the messaging backend."""
    from .services.campaigns import campaigns_send_due
    from .services.messaging import messages_deliver_queued

    sent = campaigns_send_due(now=clock.now())
    delivered = messages_deliver_queued()
    return {"campaigns": jsonable(sent), "messages": jsonable(delivered)}
