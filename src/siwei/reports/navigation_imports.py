"""Menu entries of reports and data: imports."""

from django.utils.translation import gettext_lazy as _

from siwei.core.navigation import NavItem

NAV: list = [NavItem(_("Import data"), "reports:imports", "upload", "reports.view_importjob",
                     _("Reports and data"), 920)]
