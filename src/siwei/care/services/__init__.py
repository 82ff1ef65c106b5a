"""Every write of customer care goes through these services."""

from .feedback import feedback_create, sla_deadline
from .followups import followup_schedule, followups_after_delivery

__all__ = ["feedback_create", "followup_schedule", "followups_after_delivery", "sla_deadline"]
from .feedback import (  # complaints, CR-7 and CR-9
    feedback_acknowledge,
    feedback_action_add,
    feedback_action_done,
    feedback_close,
    feedback_close_attempt,
    feedback_escalate_due,
    feedback_reopen,
    feedback_resolve,
    feedback_start,
    feedback_update,
)
from .followups import (  # working the tasks, CR-1 … CR-3
    followup_can_work,
    followup_cancel,
    followup_complete,
    followup_reassign,
    followup_unreachable,
)
from .surveys import questionnaire_for_kind, questionnaires_ensure_defaults  # CR-4

__all__ += ["feedback_acknowledge", "feedback_action_add", "feedback_action_done",
            "feedback_close", "feedback_close_attempt", "feedback_escalate_due",
            "feedback_reopen", "feedback_resolve", "feedback_start", "feedback_update"]

__all__ += ["followup_can_work", "followup_cancel", "followup_complete", "followup_reassign",
            "followup_unreachable", "questionnaire_for_kind", "questionnaires_ensure_defaults"]
from .campaigns import (  # noqa: E402
    campaign_cancel,
    campaign_create,
    campaign_schedule,
    campaign_update,
    campaigns_send_due,
    segment_create,
    segment_delete,
    segment_update,
)
from .messaging import (  # noqa: E402
    message_inbound_receive,
    message_queue,
    messages_deliver_queued,
)

__all__ += [
    "campaign_cancel", "campaign_create", "campaign_schedule", "campaign_update",
    "campaigns_send_due", "message_inbound_receive", "message_queue",
    "messages_deliver_queued", "segment_create", "segment_delete", "segment_update",
]
