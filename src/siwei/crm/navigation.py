from django.utils.translation import gettext_lazy as _

from siwei.core.navigation import NavItem

SALES = _("Sales")

NAV = [
    NavItem(_("Showroom log"), "crm:showroom", "door-open", "crm.add_showroomvisit", SALES, 100),
    NavItem(_("Customers"), "crm:customers", "person-vcard", "crm.view_customer", SALES, 110),
    NavItem(_("Leads"), "crm:leads", "bullseye", "crm.view_lead", SALES, 120),
    NavItem(_("Showroom statistics"), "crm:showroom-stats", "bar-chart",
            "crm.view_showroomvisit", SALES, 190),
    NavItem(_("Lost-lead analysis"), "crm:lost-analysis", "graph-down", "crm.view_all_leads",
            SALES, 195),
]
