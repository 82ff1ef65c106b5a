_VIEW = ["service.view_appointment", "service.view_repairorder"]
_ADVISOR = [*_VIEW, "service.add_appointment", "service.change_appointment",
            "service.add_repairorder", "service.change_repairorder", "service.view_inspection",
            "service.view_labouroperation", "service.view_technicianshift"]

ROLE_DEFAULTS = {
    "service_manager": [*_ADVISOR, "service.approve_contract", "service.approve_service_discount",
                        "service.dispatch_jobs", "service.inspect_foreman",
                        "service.inspect_final", "service.release_vehicle",
                        "service.add_technicianshift", "service.change_technicianshift",
                        "service.view_servicesettings", "service.change_servicesettings",
                        "service.add_labouroperation", "service.change_labouroperation",
                        "service.add_labourrate", "service.change_labourrate",
                        "service.view_labourrate", "service.add_storecalendarday",
                        "service.change_storecalendarday", "service.view_storecalendarday"],
    "service_advisor": [*_ADVISOR, "service.release_vehicle"],
    "foreman": [*_VIEW, "service.dispatch_jobs", "service.inspect_foreman",
                "service.view_inspection", "service.view_technicianshift",
                "service.add_technicianshift", "service.change_technicianshift"],
    "technician": [*_VIEW, "service.work_jobs", "service.view_inspection"],
    "qc_inspector": [*_VIEW, "service.inspect_final", "service.view_inspection"],
    "warranty_clerk": [*_VIEW, "service.view_inspection"],
    "cashier": _VIEW,
    "customer_service": _VIEW,
    "parts_clerk": _VIEW,
    "parts_manager": _VIEW,
    "receptionist": ["service.view_appointment"],
}

# Warranty area (SV-17 … SV-20): claims, failed parts, knowledge base, equipment.
_KB = ["service.view_knowledgeentry", "service.add_knowledgeentry"]
_EQ = ["service.view_equipment", "service.view_equipmentlog", "service.add_equipmentlog"]
_CLAIMS = ["service.view_warrantyclaim", "service.add_warrantyclaim",
           "service.change_warrantyclaim", "service.view_failedparttag",
           "service.change_failedparttag", "service.view_maintenanceplan"]
_WARRANTY_AREA = {
    "warranty_clerk": [*_CLAIMS, "service.view_knowledgeentry"],
    "service_manager": [*_CLAIMS, *_KB, *_EQ, "service.change_knowledgeentry",
                        "service.approve_knowledgeentry", "service.add_equipment",
                        "service.change_equipment", "service.view_calibration",
                        "service.add_calibration", "service.view_toolloan",
                        "service.add_toolloan", "service.change_toolloan",
                        "service.add_maintenanceplan", "service.change_maintenanceplan"],
    "qc_inspector": [*_KB, *_EQ, "service.approve_knowledgeentry", "service.view_calibration",
                     "service.add_calibration"],
    "foreman": [*_KB, *_EQ, "service.view_toolloan", "service.add_toolloan",
                "service.change_toolloan"],
    "technician": [*_KB, *_EQ, "service.view_toolloan"],
    "service_advisor": ["service.view_knowledgeentry", "service.view_warrantyclaim",
                        "service.view_maintenanceplan"],
}
for _role, _perms in _WARRANTY_AREA.items():
    ROLE_DEFAULTS[_role] = [*ROLE_DEFAULTS[_role], *_perms]

# Service KPIs page and card (service.md "Service KPIs"); store managers and group admins
# hold every permission.
ROLE_DEFAULTS["service_manager"] = [*ROLE_DEFAULTS["service_manager"],
                                    "service.view_service_kpis"]
