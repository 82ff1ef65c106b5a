"""Menu entries of customer care: classification (CR-8)."""

from django.utils.translation import gettext_lazy as _

from siwei.core.navigation import NavItem

NAV: list = [
    NavItem(_("Classifier accuracy"), "care:classifier-accuracy", "bullseye",
            "care.view_feedback", _("Customer care"), 423),
]
