"""The navigation menu. Each app lists its pages in ``<app>/navigation.py`` as
``NAV = [NavItem(...)]``; the menu shows those the user may open in the active store."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import has_store_perm
from .registry import app_modules


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str = "circle"
    permission: str | None = None
    section: str = ""
    order: int = 100


@cache
def all_items() -> tuple[NavItem, ...]:
    items = [item for module in app_modules("navigation") for item in getattr(module, "NAV", [])]
    return tuple(sorted(items, key=lambda item: item.order))


def menu_for(user, store) -> list[dict]:
    """Menu entries the user may open in ``store``, with their URLs."""
    if store is None:
        return []
    return [
        {"label": item.label, "url": reverse(item.url_name), "icon": item.icon,
         "section": item.section, "url_name": item.url_name}
        for item in all_items()
        if item.permission is None or has_store_perm(user, store, item.permission)
    ]


NAV = [
    NavItem(_("Home"), "home", "house", order=0),
    NavItem(_("Staff"), "core:staff", "people", "core.manage_staff", _("Settings"), 900),
    NavItem(_("Roles and permissions"), "core:roles", "shield-lock",
            "core.adjust_role_permissions", _("Settings"), 910),
    NavItem(_("Audit log"), "core:audit", "journal-text", "core.view_audit_log",
            _("Settings"), 920),
]
