"""Menu entries of reports and data: the report catalogue (FN-7)."""

from django.utils.translation import gettext_lazy as _

from siwei.core.navigation import NavItem

NAV: list = [NavItem(_("All reports"), "reports:index", "bar-chart-line", None,
                     _("Reports and data"), 920)]
