from django.utils.translation import gettext_lazy as _

from siwei.core.navigation import NavItem

SALES = _("Sales")

NAV = [
    NavItem(_("Sales orders"), "sales:orders", "file-earmark-text", "sales.view_salesorder",
            SALES, 130),
    NavItem(_("Test drives"), "sales:test-drives", "speedometer2", "sales.view_testdrive",
            SALES, 140),
    NavItem(_("Vehicle stock"), "sales:stock", "car-front-fill", "sales.view_stockvehicle",
            SALES, 150),
    NavItem(_("Stock balance"), "sales:stock-balance", "clipboard-data",
            "sales.view_stockvehicle", SALES, 155),
    NavItem(_("Certificates"), "sales:certificates", "safe", "sales.view_certificatemove",
            SALES, 160),
    NavItem(_("Control sheets"), "sales:control-sheets", "table", "sales.view_salestarget",
            SALES, 170),
    NavItem(_("Targets"), "sales:targets", "flag", "sales.change_salestarget", SALES, 175),
    NavItem(_("Sales settings"), "sales:settings", "sliders", "sales.change_salessettings",
            _("Settings"), 930),
    NavItem(_("Consultant performance"), "sales:performance", "trophy", "crm.view_all_leads",
            SALES, 180),
]
