from django.utils.translation import gettext_lazy as _

from siwei.core.navigation import NavItem

SECTION = _("Spare parts")

NAV = [
    NavItem(_("Stock lookup"), "parts:stock", "search", "parts.view_stock", SECTION, 400),
    NavItem(_("Issue queue"), "parts:queue", "box-arrow-right", "parts.view_stockrequest",
            SECTION, 410),
    NavItem(_("Purchase orders"), "parts:po-list", "truck", "parts.view_purchaseorder",
            SECTION, 420),
    NavItem(_("Transfers"), "parts:transfers", "arrow-left-right", "parts.view_transfer",
            SECTION, 430),
    NavItem(_("Stocktakes"), "parts:stocktakes", "clipboard-check", "parts.view_stocktake",
            SECTION, 440),
    NavItem(_("Stock ledger"), "parts:moves", "journal-text", "parts.view_stockmove",
            SECTION, 450),
    NavItem(_("Parts analysis"), "parts:analysis", "bar-chart", "parts.view_parts_analysis",
            SECTION, 460),
    # Master data: offered in the menu to those who keep it (the parts manager); the
    # lists themselves open for anyone who may view them.
    NavItem(_("Suppliers"), "parts:suppliers", "building", "parts.change_supplier",
            SECTION, 470),
    NavItem(_("Locations"), "parts:locations", "grid-3x3", "parts.change_location",
            SECTION, 480),
]
