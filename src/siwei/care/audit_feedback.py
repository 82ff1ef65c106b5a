"""Audit labels of customer care: feedback."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict = {
    "feedback.create": _("Feedback recorded"),
    "feedback.update": _("Feedback updated"),
    "feedback.acknowledge": _("Complaint acknowledged"),
    "feedback.start": _("Complaint in progress"),
    "feedback.resolve": _("Complaint resolved"),
    "feedback.close": _("Feedback closed"),
    "feedback.close_attempt": _("Attempt to reach the customer"),
    "feedback.reopen": _("Complaint reopened"),
    "feedback.escalate": _("Complaint escalated"),
    "feedback.action_add": _("Corrective action decided"),
    "feedback.action_done": _("Corrective action done"),
}
