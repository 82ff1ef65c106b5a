"""Menu entries of the service department, one list per part of the day."""

from .navigation_parts import APPOINTMENTS, KPIS, ORDERS, WARRANTY, WORKSHOP

NAV = [*APPOINTMENTS, *ORDERS, *WORKSHOP, *KPIS, *WARRANTY]
