"""Home-page cards of the service roles."""

from . import (
    dashboards_appointments,
    dashboards_kpis,
    dashboards_orders,
    dashboards_warranty,
    dashboards_workshop,
)

CARDS = [*dashboards_appointments.CARDS, *dashboards_orders.CARDS, *dashboards_workshop.CARDS,
         *dashboards_warranty.CARDS, *dashboards_kpis.CARDS]
