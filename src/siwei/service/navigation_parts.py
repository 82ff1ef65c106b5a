from django.utils.translation import gettext_lazy as _

from siwei.core.navigation import NavItem

APPOINTMENTS: list = [NavItem(_("Appointments"), "service:appointments", "calendar-event", "service.view_appointment", _("Service"), 200), NavItem(_("Slot finder"), "service:appointment-slots", "clock", "service.add_appointment", _("Service"), 201), NavItem(_("Technician shifts"), "service:shifts", "person-badge", "service.view_technicianshift", _("Service"), 202), NavItem(_("Store calendar"), "service:calendar", "calendar3", "service.view_storecalendarday", _("Service"), 203), NavItem(_("Appointment KPIs"), "service:appointment-kpis", "graph-up", "service.view_appointment", _("Service"), 204)]  # noqa: E501
ORDERS: list = [NavItem(_("Repair orders"), "service:ro-list", "clipboard-check", "service.view_repairorder", _("Service"), 220), NavItem(_("Reception"), "service:ro-reception", "car-front", "service.add_repairorder", _("Service"), 221)]  # noqa: E501
WORKSHOP: list = [NavItem(_("Workshop board"), "service:workshop-board", "kanban", "service.dispatch_jobs", _("Service"), 240), NavItem(_("My jobs"), "service:workshop-my-jobs", "wrench-adjustable", "service.work_jobs", _("Service"), 241), NavItem(_("Foreman checks"), "service:workshop-foreman-checks", "clipboard2-check", "service.inspect_foreman", _("Service"), 242), NavItem(_("Final inspection"), "service:workshop-final-inspections", "patch-check", "service.inspect_final", _("Service"), 243), NavItem(_("Quality daily report"), "service:workshop-quality", "award", "service.view_inspection", _("Service"), 244), NavItem(_("Workshop KPIs"), "service:workshop-kpis", "speedometer", "service.dispatch_jobs", _("Service"), 245)]  # noqa: E501
WARRANTY: list = [  # claims, maintenance due, knowledge base, equipment (SV-17 … SV-20)
    NavItem(_("Warranty claims"), "service:warranty-claims", "shield-check",
            "service.view_warrantyclaim", _("Service"), 270),
    NavItem(_("Failed parts shelf"), "service:warranty-failed-parts", "box-seam",
            "service.view_failedparttag", _("Service"), 271),
    NavItem(_("Maintenance due"), "service:maintenance-due", "calendar-check",
            "service.view_maintenanceplan", _("Service"), 272),
    NavItem(_("Knowledge base"), "service:knowledge", "journal-medical",
            "service.view_knowledgeentry", _("Service"), 273),
    NavItem(_("Equipment"), "service:equipment", "gear-wide-connected", "service.view_equipment",
            _("Service"), 274),
    NavItem(_("Tool loans"), "service:tool-loans", "tools", "service.view_toolloan",
            _("Service"), 275),
]
KPIS: list = [NavItem(_("Service KPIs"), "service:kpis", "bar-chart-line",
                      "service.view_service_kpis", _("Service"), 246)]
