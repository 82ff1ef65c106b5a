"""Each Siwei app may contribute to shared registries (role defaults, menu entries,
dashboard cards) through optional modules named by convention."""

from __future__ import annotations

import importlib
from types import ModuleType

from django.apps import apps

SIWEI_APP_PREFIX = "siwei."


def siwei_app_configs() -> list:
    return [c for c in apps.get_app_configs() if c.name.startswith(SIWEI_APP_PREFIX)]


def app_modules(module_name: str) -> list[ModuleType]:
    """``<app>.<module_name>`` of every Siwei app that has one, in app order."""
    modules = []
    for config in siwei_app_configs():
        qualified = f"{config.name}.{module_name}"
        try:
            modules.append(importlib.import_module(qualified))
        except ModuleNotFoundError as exc:
            if exc.name != qualified:
                raise
    return modules
