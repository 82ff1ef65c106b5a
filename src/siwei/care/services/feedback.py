"""Complaints and feedback (CR-6 … CR-9): capture with the SLA clock."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.numbering import number_next

from ..models import Feedback, FeedbackEvent, FeedbackKind, FeedbackStatus, care_settings


def sla_deadline(store, start: dt.datetime, hours: int) -> dt.datetime:
    """``hours`` after ``start``: 24×7 unless the store counts business hours only (CR-7)."""
    settings = care_settings(store)
    if not settings.business_hours_only:
        return start + dt.timedelta(hours=hours)
    return _business_deadline(start, hours, settings.business_start, settings.business_end)


def _business_deadline(start: dt.datetime, hours: int, opens: dt.time,
                       closes: dt.time) -> dt.datetime:
    remaining = dt.timedelta(hours=hours)
    moment = timezone.localtime(start)
    while True:
        day_open = moment.replace(hour=opens.hour, minute=opens.minute, second=0, microsecond=0)
        day_close = moment.replace(hour=closes.hour, minute=closes.minute, second=0,
                                   microsecond=0)
        if moment < day_open:
            moment = day_open
        if moment < day_close:
            available = day_close - moment
            if remaining <= available:
                return moment + remaining
            remaining -= available
        moment = day_open + dt.timedelta(days=1)


@transaction.atomic
def feedback_create(*, actor, store, channel: str, subject: str, content: str,
                    kind: str = "", category: str = "", customer=None,
                    received_at: dt.datetime | None = None, **fields) -> Feedback:
    """Record feedback from any channel (CR-6). Type and category default to the
    classifier's suggestion (CR-8), which is kept to measure its accuracy. Complaints get
    their acknowledge and resolve deadlines (CR-7)."""
    from ..classification import suggest

    received_at = received_at or clock.now()
    suggestion = suggest(group_id=store.group_id, text=f"{subject}\n{content}")
    feedback = Feedback(
        store=store, channel=channel, subject=subject, content=content, customer=customer,
        received_at=received_at, kind=kind or suggestion.kind or FeedbackKind.COMPLAINT,
        category=category or suggestion.category, suggested_kind=suggestion.kind,
        suggested_category=suggestion.category, created_by=actor, **fields)
    settings = care_settings(store)
    if feedback.kind == FeedbackKind.COMPLAINT:
        feedback.acknowledge_due_at = sla_deadline(store, received_at,
                                                   settings.acknowledge_hours)
        feedback.resolve_due_at = sla_deadline(store, received_at, settings.resolve_hours)
    feedback.number = number_next(store=store, doc_type="FB",
                                  day=timezone.localtime(received_at).date())
    feedback.full_clean(exclude=["number", "created_by"])
    feedback.save()
    FeedbackEvent.objects.create(feedback=feedback, action="receive", from_status="",
                                 to_status=FeedbackStatus.RECEIVED, at=clock.now(), by=actor)
    audit_record(actor=actor, action="feedback.create", obj=feedback,
                 after={"kind": feedback.kind, "category": feedback.category,
                        "status": feedback.status})
    return feedback
