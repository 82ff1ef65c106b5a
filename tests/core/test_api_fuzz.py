"""The API fuzzed against its own OpenAPI schema (quality.md, Reliability).

Schemathesis loads ``/api/v1/schema/`` from the Django application in-process (WSGI) and
sends every operation a bounded number of generated requests, as the store manager of BJ01
in the small demo dealership. Two checks apply to every answer: no 5xx
(``not_a_server_error``) and the answer matches the schema
(``response_schema_conformance``). Bad input must be a 400 naming the field, a broken rule
a 409: both are documented answers, a 500 never is.

The operations are split by the app that serves them, so the shards spread over test
workers; each shard fuzzes every operation of its app, and an operation that must be
skipped is named in ``SKIPPED`` with its reason.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from siwei.core.registry import siwei_app_configs

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 5
MANAGER = "bj01_store_manager"
STORE = "BJ01"
ID_SEGMENT = re.compile(r"^/api/v1/(?P<prefix>[^/{]+)/\{id\}/")

# "METHOD /path" -> why it is not fuzzed. Empty while every operation can be fuzzed.
SKIPPED: dict[str, str] = {}


def _router_apps() -> dict[str, str]:
    """URL prefix of each registered resource -> the app that serves it."""
    from siwei.core.api.urls import router

    return {prefix: viewset.__module__.split(".")[1] for prefix, viewset, _ in router.registry}


def area_of(path: str) -> str:
    """The shard an operation belongs to: the app of its resource, ``core`` otherwise."""
    first = path.removeprefix("/api/v1/").split("/", 1)[0]
    return _router_apps().get(first, "core")


# One shard per app; operations outside the apps' routers (auth, me, print …) are core's.
AREAS = sorted(config.label for config in siwei_app_configs() if config.label != "demo")


@contextmanager
def _requests_keep_the_test_connection():
    """Django closes "old" connections around every request, which would close the test
    transaction; the test client does the same as this while it runs a request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


class World:
    """The demo dealership, the manager's token and one real row per resource."""

    def __init__(self) -> None:
        from django.contrib.auth import get_user_model
        from rest_framework.authtoken.models import Token

        from siwei.core.api.urls import router
        from siwei.core.models import Store
        from siwei.demo.builder import build_demo

        build_demo(small=True)
        self.store = Store.objects.get(code=STORE)
        manager = get_user_model().objects.get(username=MANAGER)
        token = Token.objects.get_or_create(user=manager)[0]
        self.headers = {"Authorization": f"Token {token.key}", "X-Store": STORE}
        self.row_ids: dict[str, int] = {}
        for prefix, viewset, _ in router.registry:
            queryset = getattr(viewset, "queryset", None)
            if queryset is None:
                continue
            model = queryset.model
            rows = model._default_manager.order_by("pk")
            if any(field.name == "store" for field in model._meta.fields):
                rows = rows.filter(store=self.store)
            first = rows.values_list("pk", flat=True).first()
            if first is not None:
                self.row_ids[prefix] = first


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    """Built once per test process; everything is rolled back when the module ends."""
    with django_db_blocker.unblock(), _requests_keep_the_test_connection(), \
            transaction.atomic():
        yield World()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def served_schema(fuzz_world):
    """The schema exactly as ``/api/v1/schema/`` serves it to the manager."""
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", WSGIHandler(),
                                          headers=fuzz_world.headers)


def _label(operation) -> str:
    return f"{operation.method.upper()} {operation.path}"


def _fixed_id(operation, world: World) -> dict | None:
    """Well-formed ids point at a real row of the store, so the operation reaches its
    service instead of a 404."""
    match = ID_SEGMENT.match(operation.path)
    row_id = world.row_ids.get(match["prefix"]) if match else None
    return {"id": row_id} if row_id is not None else None


def _fuzz_operation(operation, world: World) -> str | None:
    """Fuzz one operation with valid and with invalid data; the first failure's report."""
    fixed = _fixed_id(operation, world)
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed),
        operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=fixed),
    )

    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
              print_blob=False)
    @given(case=strategy)
    def fuzz(case):
        # Each request starts from the same demo data: its writes are rolled back.
        with transaction.atomic():
            case.call_and_validate(headers=world.headers,
                                   checks=[not_a_server_error, response_schema_conformance])
            transaction.set_rollback(True)

    try:
        fuzz()
    except (Exception, FailureGroup) as exc:  # every failure is reported with its operation
        return f"{_label(operation)}\n{exc}"
    return None


@pytest.mark.parametrize("area", AREAS)
def test_every_operation_answers_without_5xx_and_as_documented(area, served_schema,
                                                                fuzz_world):
    """No 5xx and answers as documented, for every operation of the area's app."""
    failures = []
    fuzzed = 0
    for result in served_schema.get_all_operations():
        operation = result.ok()
        if area_of(operation.path) != area or _label(operation) in SKIPPED:
            continue
        fuzzed += 1
        report = _fuzz_operation(operation, fuzz_world)
        if report:
            failures.append(report)
    assert fuzzed > 0
    assert not failures, f"{len(failures)} of {fuzzed} operations failed:\n\n" + \
        "\n\n".join(failures)


def test_every_operation_of_the_schema_is_in_a_shard(served_schema):
    """Nothing is left out silently: each operation belongs to a fuzzed area, and each
    skipped one names an operation that exists."""
    labels = {_label(result.ok()) for result in served_schema.get_all_operations()}
    assert len(labels) > 200
    assert {area_of(label.split(" ", 1)[1]) for label in labels} <= set(AREAS)
    assert set(SKIPPED) <= labels


def test_a_payment_without_an_amount_is_a_400_naming_the_field(fuzz_world):
    """Found by the fuzzer: the model's zero default made ``amount`` optional, and the
    payment service was called without one (500)."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=fuzz_world.headers["Authorization"],
                       HTTP_X_STORE=STORE)
    response = client.post("/api/v1/payments/", {
        "repair_order": fuzz_world.row_ids["repair-orders"], "method": "cash"}, format="json")
    assert response.status_code == 400
    assert "amount" in response.json()
