"""API of reports and data: each area registers its resources."""

from . import api_exports, api_imports, api_printing
from .catalog import api as api_catalog
from .kpis import api as api_kpis


def register(router) -> None:
    for module in (api_catalog, api_kpis, api_printing, api_imports, api_exports):
        module.register(router)
