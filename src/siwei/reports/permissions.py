"""Default permissions of the roles for reports and data (stores may adjust them). Each
area adds its own lines."""

# FN-9 import: customers and vehicles for sales, parts, prices and opening stock for parts
# (store managers hold every permission).
_IMPORT_SALES = ["reports.view_importjob", "reports.import_customers",
                 "reports.import_vehicles"]
_IMPORT_PARTS = ["reports.view_importjob", "reports.import_parts", "reports.import_stock"]

ROLE_DEFAULTS: dict[str, list[str]] = {
    "store_manager": [*_IMPORT_SALES, *_IMPORT_PARTS],
    "sales_manager": [*_IMPORT_SALES],
    "parts_manager": [*_IMPORT_PARTS],
}

# FN-10 full store data export (personal data: store managers and the group admin).
ROLE_DEFAULTS["store_manager"] = [*ROLE_DEFAULTS["store_manager"], "reports.export_store_data"]
ROLE_DEFAULTS["group_admin"] = [*ROLE_DEFAULTS.get("group_admin", []),
                                "reports.export_store_data"]

# FN-6 the managers' KPIs against targets: the report and the home card for the managers;
# the store manager (every permission) enters the monthly targets, the department managers
# see them.
_KPIS = ["reports.view_kpis", "reports.view_kpitarget"]
for _role in ("sales_manager", "service_manager", "parts_manager"):
    ROLE_DEFAULTS[_role] = [*ROLE_DEFAULTS.get(_role, []), *_KPIS]
ROLE_DEFAULTS["store_manager"] = [*ROLE_DEFAULTS["store_manager"], *_KPIS,
                                  "reports.change_kpitarget"]
ROLE_DEFAULTS["group_admin"] = [*ROLE_DEFAULTS.get("group_admin", []), *_KPIS,
                                "reports.change_kpitarget"]
