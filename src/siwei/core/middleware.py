"""Request middleware: the active store of a page request, and the CSP header."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject

from .scoping import resolve_store

SESSION_KEY = "active_store_id"


def _active_store(request):
    if not request.user.is_authenticated:
        return None
    store = resolve_store(request.user, store_id=request.session.get(SESSION_KEY))
    if store is not None and request.session.get(SESSION_KEY) != store.pk:
        request.session[SESSION_KEY] = store.pk
    return store


class ActiveStoreMiddleware:
    """``request.store``: the store the user chose in the switcher, else their default.
    API views set it again from ``X-Store`` after token authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.store = SimpleLazyObject(lambda: _active_store(request))
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy of the settings to every HTML response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CSP_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class LanguageMiddleware:
    """Simplified Chinese unless the user chose another language with the switch (the
    language cookie). Unlike Django's LocaleMiddleware, the browser's Accept-Language is
    ignored: a dealership's shared PCs often run English systems."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class QueryCountMiddleware:
    """Benchmark only (``SIWEI_BENCH=1``, see ``bench/``): answers with the number of SQL
    queries the request ran in the ``X-SQL-Queries`` header. Not installed otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import connection

        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-SQL-Queries"] = str(count)
        return response
