"""Role home pages. Each app adds cards in ``<app>/dashboards.py`` as
``CARDS = [Card(...)]``; a card names the roles it serves, a template, and a function
returning its context. The home page of a role shows its cards in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils.translation import gettext_lazy as _

from .registry import app_modules


@dataclass(frozen=True)
class Card:
    title: str
    template: str
    roles: frozenset[str]
    context: Callable[..., dict[str, Any]] = field(default=lambda request: {})
    order: int = 100
    width: int = 6  # Bootstrap columns on a wide screen
    # A lazy card is fetched by the page after it has loaded (its own request), so that
    # heavy figures and charts do not hold up the home page.
    lazy: bool = False

    @property
    def key(self) -> str:
        return self.template.removesuffix(".html").replace("/", "-").replace("_", "-")


@cache
def all_cards() -> tuple[Card, ...]:
    cards = [card for module in app_modules("dashboards") for card in getattr(module, "CARDS", [])]
    return tuple(sorted(cards, key=lambda c: c.order))


def cards_for(role_code: str) -> list[Card]:
    return [card for card in all_cards() if role_code in card.roles or "*" in card.roles]


def _my_work_context(request) -> dict[str, Any]:
    from .navigation import menu_for

    return {"links": [m for m in menu_for(request.user, request.store) if m["url_name"] != "home"]}


def _recent_audit_context(request) -> dict[str, Any]:
    from .selectors import audit_events

    return {"events": list(audit_events(user=request.user, store=request.store)[:8])}


def _stores_context(request) -> dict[str, Any]:
    from .scoping import user_stores

    return {"stores": user_stores(request.user)}


MANAGERS = frozenset({"group_admin", "store_manager", "sales_manager", "service_manager",
                      "parts_manager"})

CARDS = [
    Card(_("My pages"), "core/cards/my_pages.html", frozenset({"*"}), _my_work_context, 900),
    Card(_("Stores"), "core/cards/stores.html", frozenset({"group_admin"}), _stores_context, 10),
    Card(_("Recent changes"), "core/cards/recent_audit.html", MANAGERS, _recent_audit_context,
         950),
]
