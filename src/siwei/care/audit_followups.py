"""Audit labels of the follow-up calls."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict = {
    "followup.complete": _("Follow-up done"),
    "followup.unreachable": _("Customer unreachable"),
    "followup.cancel": _("Follow-up cancelled"),
    "followup.reassign": _("Follow-up reassigned"),
}
