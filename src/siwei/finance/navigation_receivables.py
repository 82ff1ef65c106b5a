"""Menu entries of finance: receivables."""

from django.utils.translation import gettext_lazy as _

from siwei.core.navigation import NavItem

NAV: list = [
    NavItem(_("Receivables"), "finance:receivables", "hourglass-split",
            "finance.view_receivable", _("Finance"), 730),
    NavItem(_("Credit customers"), "finance:credit-accounts", "building",
            "finance.view_creditaccount", _("Finance"), 735),
]
