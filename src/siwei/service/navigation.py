"""Menu entries of the service department, one list per part of the day."""

from django.utils.translation import gettext_lazy as _

from siwei.core.navigation import NavItem

from .navigation_parts import APPOINTMENTS, KPIS, ORDERS, WARRANTY, WORKSHOP

NAV = [*APPOINTMENTS, *ORDERS, *WORKSHOP, *KPIS, *WARRANTY,
       NavItem(_("Service settings"), "service:settings", "sliders",
               "service.view_servicesettings", _("Service"), 290)]
