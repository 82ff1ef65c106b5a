from __future__ import annotations

from django.conf import settings

from .navigation import menu_for
from .scoping import user_stores


def shell(request) -> dict:
    """What the base layout needs: the menu, the stores to switch between, the app name."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"app_name": settings.SIWEI_APP_NAME}
    store = getattr(request, "store", None)
    store = store if store else None
    return {
        "app_name": settings.SIWEI_APP_NAME,
        "active_store": store,
        "my_stores": user_stores(user),
        "menu": menu_for(user, store),
    }
