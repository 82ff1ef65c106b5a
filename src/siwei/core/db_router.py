"""Report reads on a PostgreSQL streaming replica (architecture.md, Scale-out).

A dealer group sets ``DATABASE_REPLICA_URL``; the settings then add the ``replica`` database
and :class:`ReplicaRouter`. Nothing reads from the replica by default: a replica lags the
primary by a moment, so only code that opts in does, and that is the reports.

    with reading_from_replica():
        result = definition.build(query)        # every read inside goes to the replica

    rows = using_replica(RepairOrder.objects.filter(store=store))   # one queryset

The rules, in order:

- writes always go to the primary (``default``); migrations run only there;
- a read inside a transaction on the primary stays on the primary, so a business action
  reads what it has just written and its locks mean something;
- a read in a ``reading_from_replica()`` block that has already written stays on the
  primary too (read-your-writes);
- without a replica configured everything is the primary, so the same code runs on one
  machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

REPLICA_ALIAS = "replica"


@dataclass
class _ReplicaReads:
    wrote: bool = False


_replica_reads: ContextVar[_ReplicaReads | None] = ContextVar("siwei_replica_reads",
                                                               default=None)


def replica_configured() -> bool:
    """Whether a ``replica`` database is configured (``DATABASE_REPLICA_URL``)."""
    return REPLICA_ALIAS in connections.settings


def read_alias() -> str:
    """The database a report read should use now: the replica when one is configured, the
    primary has no transaction open and this ``reading_from_replica()`` block has not
    written; the primary otherwise."""
    state = _replica_reads.get()
    if (not replica_configured() or connections[DEFAULT_DB_ALIAS].in_atomic_block
            or (state is not None and state.wrote)):
        return DEFAULT_DB_ALIAS
    return REPLICA_ALIAS


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Let the reads inside this block go to the replica (the rules are in the module's
    docstring). Blocks nest; a thread or async task sees only its own blocks."""
    token = _replica_reads.set(_ReplicaReads())
    try:
        yield
    finally:
        _replica_reads.reset(token)


def using_replica(queryset: QuerySet) -> QuerySet:
    """``queryset`` bound to the database a report read should use now (see ``read_alias``).
    For reads only: a write through the returned queryset would go to that database."""
    return queryset.using(read_alias())


class ReplicaRouter:
    """Sends the reads of ``reading_from_replica()`` blocks to the replica and everything
    else to the primary. Installed by the settings when ``DATABASE_REPLICA_URL`` is set."""

    def db_for_read(self, model, **hints) -> str:
        if _replica_reads.get() is None:
            return DEFAULT_DB_ALIAS
        return read_alias()

    def db_for_write(self, model, **hints) -> str:
        state = _replica_reads.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
