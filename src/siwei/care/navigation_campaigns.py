"""Menu entries of customer care: segments, campaigns and the messages log (Marketing)."""

from django.utils.translation import gettext_lazy as _

from siwei.core.navigation import NavItem

NAV: list = [
    NavItem(_("Segments"), "care:segments", "funnel", "care.view_segment", _("Marketing"), 650),
    NavItem(_("Campaigns"), "care:campaigns", "megaphone", "care.view_campaign",
            _("Marketing"), 651),
    NavItem(_("Messages log"), "care:messages", "chat-left-text", "care.view_message",
            _("Marketing"), 652),
]
