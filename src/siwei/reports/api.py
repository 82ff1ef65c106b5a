"""API of reports and data: each area registers its resources."""

from . import api_exports, api_imports, api_printing


def register(router) -> None:
    for module in (api_printing, api_imports, api_exports):
        module.register(router)
