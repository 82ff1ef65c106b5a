"""Report reads on a read replica (architecture.md, Scale-out): only code inside
``reading_from_replica()`` reads from the replica; writes, reads inside a transaction and
reads after a write stay on the primary; without a replica everything is the primary.

The replica here is a second database, a SQLite file holding other rows than the primary,
so every assertion sees which database answered."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from siwei.core.db_router import (
    REPLICA_ALIAS,
    ReplicaRouter,
    read_alias,
    reading_from_replica,
    replica_configured,
    using_replica,
)
from siwei.core.models import DealerGroup

ROUTER = "siwei.core.db_router.ReplicaRouter"
# Without a transaction around the test, so that "inside a transaction" means something.
on_both = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA_ALIAS])
on_primary = pytest.mark.django_db(transaction=True)


def _codes(queryset=None) -> list[str]:
    queryset = DealerGroup.objects.all() if queryset is None else queryset
    return sorted(queryset.values_list("code", flat=True))


@pytest.fixture(scope="module")
def replica_database(tmp_path_factory, django_db_setup, django_db_blocker):
    """A database under the alias ``replica`` (a SQLite file) with the dealer group table,
    and the router, as the settings install them when ``DATABASE_REPLICA_URL`` is set;
    configured before the tests' database set-up so that they may use it."""
    name = str(tmp_path_factory.mktemp("replica") / "replica.sqlite3")
    config = {"ENGINE": "django.db.backends.sqlite3", "NAME": name}
    connections.settings[REPLICA_ALIAS] = connections.configure_settings(
        {DEFAULT_DB_ALIAS: connections.settings[DEFAULT_DB_ALIAS], REPLICA_ALIAS: config}
    )[REPLICA_ALIAS]
    with django_db_blocker.unblock(), connections[REPLICA_ALIAS].schema_editor() as editor:
        editor.create_model(DealerGroup)
    with override_settings(DATABASE_ROUTERS=[ROUTER]):
        yield
    connections[REPLICA_ALIAS].close()
    del connections[REPLICA_ALIAS]
    del connections.settings[REPLICA_ALIAS]


@pytest.fixture
def replica(replica_database):
    """The primary holds the group ``PRIMARY``; the replica holds ``REPLICA`` instead.
    (The test run empties the primary; the replica, where nothing migrates, is emptied
    here.)"""
    with connections[REPLICA_ALIAS].cursor() as cursor:
        cursor.execute("DELETE FROM core_dealergroup")
    DealerGroup.objects.using(REPLICA_ALIAS).create(code="REPLICA", name="副本")
    DealerGroup.objects.using(DEFAULT_DB_ALIAS).create(code="PRIMARY", name="主库")


@pytest.fixture
def no_replica(settings):
    """The router installed but no replica configured, whichever tests ran before."""
    settings.DATABASE_ROUTERS = [ROUTER]
    saved = connections.settings.pop(REPLICA_ALIAS, None)
    yield
    if saved is not None:
        connections.settings[REPLICA_ALIAS] = saved


@on_both
def test_reads_in_the_block_go_to_the_replica_and_outside_to_the_primary(replica):
    assert replica_configured()
    assert _codes() == ["PRIMARY"]
    with reading_from_replica(), CaptureQueriesContext(connections[REPLICA_ALIAS]) as seen:
        assert _codes() == ["REPLICA"]
        assert DealerGroup.objects.get(code="REPLICA").name == "副本"
        assert read_alias() == REPLICA_ALIAS
        assert using_replica(DealerGroup.objects.all()).db == REPLICA_ALIAS
    assert len(seen.captured_queries) == 2
    assert _codes() == ["PRIMARY"]


@on_both
def test_writes_go_to_the_primary_and_later_reads_of_the_block_follow_them(replica):
    with reading_from_replica():
        assert _codes() == ["REPLICA"]
        DealerGroup.objects.create(code="NEW", name="新集团")
        # Read-your-writes: the replica may not have the new row yet.
        assert _codes() == ["NEW", "PRIMARY"]
        assert read_alias() == DEFAULT_DB_ALIAS
    assert _codes(DealerGroup.objects.using(DEFAULT_DB_ALIAS)) == ["NEW", "PRIMARY"]
    assert _codes(DealerGroup.objects.using(REPLICA_ALIAS)) == ["REPLICA"]
    # A new block starts reading from the replica again.
    with reading_from_replica():
        assert _codes() == ["REPLICA"]


@on_both
def test_reads_inside_a_transaction_stay_on_the_primary(replica):
    with reading_from_replica():
        with transaction.atomic():
            assert _codes() == ["PRIMARY"]
            assert read_alias() == DEFAULT_DB_ALIAS
            assert using_replica(DealerGroup.objects.all()).db == DEFAULT_DB_ALIAS
        assert _codes() == ["REPLICA"]


@on_both
def test_another_thread_does_not_inherit_the_block(replica):
    answers = []
    with reading_from_replica():
        thread = threading.Thread(
            target=lambda: answers.append(router.db_for_read(DealerGroup)))
        thread.start()
        thread.join()
        assert router.db_for_read(DealerGroup) == REPLICA_ALIAS
    assert answers == [DEFAULT_DB_ALIAS]


@on_primary
def test_without_a_replica_everything_is_the_primary(no_replica):
    DealerGroup.objects.create(code="PRIMARY", name="主库")
    assert not replica_configured()
    with reading_from_replica():
        assert router.db_for_read(DealerGroup) == DEFAULT_DB_ALIAS
        assert read_alias() == DEFAULT_DB_ALIAS
        assert using_replica(DealerGroup.objects.all()).db == DEFAULT_DB_ALIAS
        assert _codes() == ["PRIMARY"]


def test_migrations_run_only_on_the_primary():
    assert ReplicaRouter().allow_migrate(DEFAULT_DB_ALIAS, "service") is True
    assert ReplicaRouter().allow_migrate(REPLICA_ALIAS, "service") is False


@pytest.mark.parametrize("replica_url", ["", "postgres://report:pw@replica.example:5432/siwei"])
def test_settings_add_the_replica_and_the_router_only_when_the_url_is_set(replica_url):
    env = {**os.environ, "SECRET_KEY": "x" * 50, "DEBUG": "", "DATABASE_REPLICA_URL": replica_url,
           "DATABASE_URL": "postgres://app:pw@primary.example:5432/siwei"}
    script = ("import json, siwei.config.settings as s; print(json.dumps([sorted(s.DATABASES), "
              "s.DATABASE_ROUTERS, s.DATABASES.get('replica', {}).get('HOST'), "
              "s.DATABASES.get('replica', {}).get('TEST')]))")
    output = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    ).stdout
    aliases, routers, host, test = json.loads(output)
    if replica_url:
        assert aliases == ["default", "replica"] and routers == [ROUTER]
        assert host == "replica.example"
        # The test run reads the primary in the replica's place.
        assert test == {"MIRROR": "default"}
    else:
        assert aliases == ["default"] and routers == [] and host is None


@on_both
def test_reports_of_the_catalogue_read_from_the_replica(replica):
    """FN-7's framework runs every report inside ``reading_from_replica()``: a report's
    reads answer from the replica, and a page's own reads outside it from the primary."""
    import datetime as dt

    from siwei.core import reporting

    seen = []

    def build(query):
        seen.append(_codes())
        return reporting.ReportResult(tables=[])

    definition = reporting.ReportDefinition(
        key="probe", title="Probe", department="management", permission="core.view_store",
        build=build, summary_columns=())
    reporting.run(definition, user=None, store=None, start=dt.date(2026, 11, 1),
                  end=dt.date(2026, 11, 30))
    assert seen == [["REPLICA"]]
    assert _codes() == ["PRIMARY"]


@pytest.mark.parametrize(("query", "expected"), [
    ("", "-c jit=off"), ("?options=-c%20jit%3Don", "-c jit=on")])
def test_postgres_connections_run_without_jit_unless_the_url_says_otherwise(query, expected):
    """The report queries lose more to JIT compilation than it saves (docs/operations.md);
    a URL that sets its own options keeps them, on the primary and the replica alike."""
    env = {**os.environ, "SECRET_KEY": "x" * 50, "DEBUG": "",
           "DATABASE_URL": "postgres://app:pw@primary.example:5432/siwei" + query,
           "DATABASE_REPLICA_URL": "postgres://report:pw@replica.example:5432/siwei" + query}
    script = ("import json, siwei.config.settings as s; print(json.dumps("
              "[s.DATABASES[a]['OPTIONS'].get('options') for a in ('default', 'replica')]))")
    output = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    ).stdout
    assert json.loads(output) == [expected, expected]
