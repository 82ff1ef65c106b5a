"""Menu entries of finance: profit (FN-5)."""

from django.utils.translation import gettext_lazy as _

from siwei.core.navigation import NavItem

NAV: list = [
    NavItem(_("Department profit"), "finance:profit", "graph-up-arrow",
            "finance.view_department_profit", _("Finance"), 760),
    NavItem(_("Store overhead"), "finance:overheads", "building",
            "finance.view_monthlyoverhead", _("Finance"), 765),
]
