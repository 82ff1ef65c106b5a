"""Menu entries of reports and data: exports."""

from django.utils.translation import gettext_lazy as _

from siwei.core.navigation import NavItem

NAV: list = [NavItem(_("Export store data"), "reports:exports", "database-down",
                     "reports.export_store_data", _("Reports and data"), 930),
             NavItem(_("Lists to Excel"), "reports:export-lists", "file-earmark-excel",
                     "crm.view_vehicle", _("Reports and data"), 935)]
