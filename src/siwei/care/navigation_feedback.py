"""Menu entries of customer care: complaints and feedback."""

from django.utils.translation import gettext_lazy as _

from siwei.core.navigation import NavItem

NAV: list = [
    NavItem(_("Complaints and feedback"), "care:feedback", "chat-square-text",
            "care.view_feedback", _("Customer care"), 420),
    NavItem(_("New feedback"), "care:feedback-new", "chat-square-dots", "care.add_feedback",
            _("Customer care"), 421),
    NavItem(_("Complaint analysis"), "care:feedback-analysis", "bar-chart-line",
            "care.analyse_feedback", _("Customer care"), 422),
]
