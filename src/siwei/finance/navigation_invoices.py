"""Menu entries of finance: invoices."""

from django.utils.translation import gettext_lazy as _

from siwei.core.navigation import NavItem

NAV: list = [
    NavItem(_("Invoices"), "finance:invoices", "receipt", "finance.view_invoice",
            _("Finance"), 720),
]
