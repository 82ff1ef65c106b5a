"""Default permissions of the roles for customers, vehicles and leads."""

_VIEW = ["crm.view_customer", "crm.view_vehicle"]
_EDIT = [*_VIEW, "crm.add_customer", "crm.change_customer", "crm.add_vehicle",
         "crm.change_vehicle", "crm.add_odometerreading", "crm.view_odometerreading"]
_SALES = [*_EDIT, "crm.view_lead", "crm.add_lead", "crm.change_lead", "crm.view_activity",
          "crm.add_activity", "crm.view_showroomvisit", "crm.view_vehiclemodel"]

ROLE_DEFAULTS = {
    "sales_manager": [*_SALES, "crm.merge_customer", "crm.set_vip", "crm.approve_lead_loss",
                      "crm.view_all_leads", "crm.change_showroomvisit", "crm.add_showroomvisit",
                      "crm.view_followupinterval", "crm.change_followupinterval",
                      "crm.add_followupinterval"],
    "sales_consultant": _SALES,
    "receptionist": [*_VIEW, "crm.add_customer", "crm.view_showroomvisit",
                     "crm.add_showroomvisit", "crm.change_showroomvisit",
                     "crm.view_vehiclemodel"],
    "service_manager": [*_EDIT, "crm.override_odometer", "crm.merge_customer", "crm.set_vip"],
    "service_advisor": _EDIT,
    "foreman": _VIEW,
    "technician": ["crm.view_vehicle"],
    "warranty_clerk": _VIEW,
    "cashier": _VIEW,
    "customer_service": [*_VIEW, "crm.view_lead", "crm.view_activity"],
    "finance": _VIEW,
    "parts_manager": _VIEW,
    "parts_clerk": ["crm.view_vehicle"],
    # PIPL erasure request: store managers (who hold every permission) and nobody else.
    "store_manager": ["crm.erase_customer"],
}
