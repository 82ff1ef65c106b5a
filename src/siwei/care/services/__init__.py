"""Every write of customer care goes through these services."""

from .feedback import feedback_create, sla_deadline
from .followups import followup_schedule, followups_after_delivery

__all__ = ["feedback_create", "followup_schedule", "followups_after_delivery", "sla_deadline"]
