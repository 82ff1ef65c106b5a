"""Demo data of the service department, built after the sales and parts history:
technicians' shifts, appointments, two years of repair orders through the workshop,
settlement and gate pass, then warranty, knowledge base and equipment."""

from .demo_appointments import build_appointments, build_shifts
from .demo_orders import build_orders
from .demo_warranty import build_warranty
from .demo_workshop import build_workshop

build_workshop.order = 32
build_orders.order = 33
build_warranty.order = 34

DEMO_STEPS = [build_shifts, build_appointments, build_workshop, build_orders, build_warranty]
