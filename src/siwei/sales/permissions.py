"""Default permissions of the roles for vehicle sales."""

_CONSULTANT = ["sales.view_stockvehicle", "sales.view_salesorder", "sales.add_salesorder",
               "sales.change_salesorder", "sales.view_testdrive", "sales.add_testdrive",
               "sales.change_testdrive", "sales.deliver_vehicle", "sales.view_salestarget"]

ROLE_DEFAULTS = {
    "sales_manager": [*_CONSULTANT, "sales.add_stockvehicle", "sales.change_stockvehicle",
                      "sales.approve_discount", "sales.release_certificate",
                      "sales.move_certificate", "sales.view_certificatemove",
                      "sales.add_salestarget", "sales.change_salestarget",
                      "sales.view_salessettings", "sales.change_salessettings",
                      "sales.view_delivery", "sales.view_all_orders"],
    "sales_consultant": _CONSULTANT,
    "receptionist": ["sales.view_stockvehicle", "sales.view_testdrive"],
    "cashier": ["sales.view_salesorder", "sales.view_all_orders", "sales.view_stockvehicle",
                "sales.release_certificate", "sales.view_certificatemove"],
    "finance": ["sales.view_salesorder", "sales.view_all_orders", "sales.view_stockvehicle",
                "sales.view_certificatemove", "sales.view_delivery", "sales.move_certificate"],
    "customer_service": ["sales.view_salesorder", "sales.view_all_orders"],
}
