from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from .navigation import menu_for
from .permissions import has_store_perm
from .scoping import user_stores


def shell(request) -> dict:
    """What the base layout needs: the menu, the stores to switch between, the app name."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"app_name": settings.SIWEI_APP_NAME}
    store = getattr(request, "store", None)
    store = store if store else None
    search_url = None
    if store is not None and has_store_perm(user, store, settings.SIWEI_SEARCH_PERMISSION):
        search_url = reverse(settings.SIWEI_SEARCH_URL_NAME)
    return {
        "app_name": settings.SIWEI_APP_NAME,
        "search_url": search_url,
        "active_store": store,
        "my_stores": user_stores(user),
        "menu": menu_for(user, store),
    }
