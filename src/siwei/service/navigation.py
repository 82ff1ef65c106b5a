"""Menu entries of the service department, one list per part of the day."""

from .navigation_parts import APPOINTMENTS, ORDERS, WARRANTY, WORKSHOP

NAV = [*APPOINTMENTS, *ORDERS, *WORKSHOP, *WARRANTY]
