"""Menu entries of customer care: reminders."""

from django.utils.translation import gettext_lazy as _

from siwei.core.navigation import NavItem

NAV: list = [
    NavItem(_("Insurance renewals"), "care:insurance-renewals", "shield-plus",
            "care.view_insurancerenewal", _("Customer care"), 430),
    NavItem(_("Care settings"), "care:settings", "sliders", "care.change_caresettings",
            _("Customer care"), 439),
]
