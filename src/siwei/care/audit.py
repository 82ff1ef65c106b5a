"""Labels of the customer-care actions in the audit log, one dict per area."""

from . import (
               audit_campaigns,
               audit_classification,
               audit_feedback,
               audit_followups,
               audit_reminders,
)

ACTION_LABELS = {code: label
                 for module in (audit_followups, audit_feedback, audit_classification,
                                audit_reminders, audit_campaigns)
                 for code, label in module.ACTION_LABELS.items()}
