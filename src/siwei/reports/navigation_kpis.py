"""Menu entries of reports and data: the managers' KPIs (FN-6)."""

from django.utils.translation import gettext_lazy as _

from siwei.core.navigation import NavItem

NAV: list = [NavItem(_("KPIs against targets"), "reports:kpis", "speedometer2",
                     "reports.view_kpis", _("Reports and data"), 910),
             NavItem(_("KPI targets"), "reports:kpi-targets", "bullseye",
                     "reports.view_kpitarget", _("Reports and data"), 915)]
