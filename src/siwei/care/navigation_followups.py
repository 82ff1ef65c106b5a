"""Menu entries of the follow-up calls and survey results (CR-1 … CR-4)."""

from django.utils.translation import gettext_lazy as _

from siwei.core.navigation import NavItem

SECTION = _("Customer care")

NAV: list = [
    NavItem(_("My calls"), "care:my-calls", "telephone", "care.view_followup", SECTION, 410),
    NavItem(_("Follow-ups"), "care:followups", "list-task", "care.view_followup", SECTION, 411),
    NavItem(_("Overdue follow-ups"), "care:followups-overdue", "alarm",
            "care.supervise_followup", SECTION, 412),
    NavItem(_("Survey results"), "care:survey-results", "emoji-smile",
            "care.view_surveyresponse", SECTION, 413),
]
