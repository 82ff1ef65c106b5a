from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIClient

from siwei.core import clock as clock_module

from .factories import DealerGroupFactory, StoreFactory, make_staff


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need real parallel connections; skip them on SQLite."""
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(skip)


@pytest.fixture
def group(db):
    return DealerGroupFactory()


@pytest.fixture
def store_bj(group):
    return StoreFactory(group=group, code="BJ01", name="北京店")


@pytest.fixture
def store_sh(group):
    return StoreFactory(group=group, code="SH01", name="上海店")


@pytest.fixture
def staff(db):
    """``staff("service_advisor", store=store_bj)`` makes a user with those roles."""
    return make_staff


@pytest.fixture
def api():
    """``api(user, store=None)``: an API client authenticated by token, with ``X-Store``."""

    def build(user=None, store=None) -> APIClient:
        from rest_framework.authtoken.models import Token

        client = APIClient()
        if user is not None:
            token, _created = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        if store is not None:
            client.defaults["HTTP_X_STORE"] = store.code
        return client

    return build


@pytest.fixture
def clock():
    """A fixed clock at 2026-11-22 09:00 Asia/Shanghai that tests can move."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    start = dt.datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with clock_module.frozen(start) as fixed:
        yield fixed
