"""Menu entries of finance: cashier."""

from django.utils.translation import gettext_lazy as _

from siwei.core.navigation import NavItem

FINANCE = _("Finance")

NAV: list = [
    NavItem(_("Cashier desk"), "finance:cashier", "cash-coin", "finance.add_payment",
            FINANCE, 700),
    NavItem(_("Close my day"), "finance:close-day", "calculator", "finance.add_dailyclose",
            FINANCE, 705),
    NavItem(_("Refund requests"), "finance:refunds", "arrow-counterclockwise",
            "finance.view_refundrequest", FINANCE, 710),
    NavItem(_("Daily closes"), "finance:daily-closes", "journal-check",
            "finance.view_dailyclose", FINANCE, 715),
]
