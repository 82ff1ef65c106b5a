"""API of the service department: each module registers its resources."""

from . import (
    api_appointments,
    api_equipment,
    api_orders,
    api_resources,
    api_settings,
    api_warranty,
    api_workshop,
)


def register(router) -> None:
    for module in (api_appointments, api_orders, api_warranty, api_equipment, api_resources,
                   api_workshop, api_settings):
        module.register(router)
