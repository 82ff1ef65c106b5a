"""Demo data of the service department, built after the sales and parts history:
technicians' shifts, appointments of the recent weeks and repair orders through the
workshop, settlement and gate pass, then warranty, knowledge base and equipment, and two
years of lighter history in every category before them (``demo_history``)."""

from .demo_appointments import build_appointments, build_shifts
from .demo_history import build_history
from .demo_orders import build_orders
from .demo_warranty import build_warranty
from .demo_workshop import build_workshop

build_workshop.order = 32
build_orders.order = 33
build_warranty.order = 34

DEMO_STEPS = [build_shifts, build_appointments, build_workshop, build_orders, build_warranty,
              build_history]
