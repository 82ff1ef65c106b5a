"""Transactions of the services.

Every service runs in one transaction (``@service_transaction``): called on its own it is
the transaction; called inside another one, Django's ``atomic`` makes it a savepoint, so
that a caller may catch the service's refusal and go on with the rest of its work.

An API action that wants the whole request to succeed or fail as one runs its services
inside ``all_or_nothing()``: an error anywhere in the block rolls all of it back, so the
services inside need no savepoints of their own (two statements fewer for each service
called, a measurable share of a repair order action's queries). Code inside the block
must let a service's error propagate out of the block; a ``with transaction.atomic()``
of its own inside the block still has its savepoint (an ``IntegrityError`` caught there
is rolled back to it as before)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from django.db import transaction

_WHOLE: ContextVar[bool] = ContextVar("siwei_all_or_nothing", default=False)

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def all_or_nothing() -> Iterator[None]:
    """One transaction (a savepoint when nested) whose work succeeds or fails as a whole;
    the services called inside it open no savepoints."""
    with transaction.atomic():
        token = _WHOLE.set(True)
        try:
            yield
        finally:
            _WHOLE.reset(token)


def savepoints_wanted() -> bool:
    """Whether a nested block should have a savepoint: not inside ``all_or_nothing()``,
    where any error fails the whole block anyway."""
    return not _WHOLE.get()


def service_transaction(func: Callable[P, R]) -> Callable[P, R]:
    """The transaction of a service: ``transaction.atomic``, without a savepoint inside
    ``all_or_nothing()``."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic(savepoint=savepoints_wanted()):
            return func(*args, **kwargs)

    return run
