"""The services' transactions (``siwei.core.transactions``): a service is one transaction,
a savepoint when nested, so a caller may catch its refusal and go on; inside
``all_or_nothing()`` the services open no savepoints and any error rolls back the whole
block."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from siwei.core.errors import DomainError
from siwei.core.models import DealerGroup
from siwei.core.transactions import all_or_nothing, service_transaction

pytestmark = pytest.mark.django_db


@service_transaction
def _add_group(*, code: str, refuse: bool = False) -> DealerGroup:
    group = DealerGroup.objects.create(code=code, name=code)
    if refuse:
        raise DomainError("refused", "refused")
    return group


def _savepoints(queries) -> int:
    return sum(1 for q in queries.captured_queries if q["sql"].startswith("SAVEPOINT"))


def test_a_nested_service_has_its_savepoint_so_the_caller_can_go_on():
    with transaction.atomic():
        _add_group(code="KEPT")
        with CaptureQueriesContext(connection) as queries, pytest.raises(DomainError):
            _add_group(code="UNDONE", refuse=True)
        _add_group(code="AFTER")  # the transaction is still usable
    assert _savepoints(queries) == 1
    assert set(DealerGroup.objects.values_list("code", flat=True)) >= {"KEPT", "AFTER"}
    assert not DealerGroup.objects.filter(code="UNDONE").exists()


def test_inside_all_or_nothing_services_open_no_savepoints():
    with all_or_nothing(), CaptureQueriesContext(connection) as queries:
        _add_group(code="ONE")
        _add_group(code="TWO")
    assert _savepoints(queries) == 0
    assert DealerGroup.objects.filter(code__in=["ONE", "TWO"]).count() == 2


def test_an_error_inside_all_or_nothing_rolls_back_the_whole_block_only():
    _add_group(code="BEFORE")
    with pytest.raises(DomainError), all_or_nothing():
        _add_group(code="FIRST")
        _add_group(code="SECOND", refuse=True)
    assert not DealerGroup.objects.filter(code__in=["FIRST", "SECOND"]).exists()
    assert DealerGroup.objects.filter(code="BEFORE").exists()  # outside the block: kept
    # After the block, services have their savepoints again.
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        _add_group(code="LATER")
    assert _savepoints(queries) == 1
