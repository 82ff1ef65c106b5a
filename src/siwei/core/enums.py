"""Status enumerations with labels and colours, and transition tables.

    @colored(draft="secondary", confirmed="primary", cancelled="danger")
    class OrderStatus(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ...

    ORDER_FLOW = Transitions({"confirm": ({"draft"}, "confirmed"), ...})
    new_status = ORDER_FLOW.target(order.status, "confirm")  # DomainError if not allowed
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from .errors import invalid_transition

BOOTSTRAP_COLOURS = frozenset(
    {"primary", "secondary", "success", "danger", "warning", "info", "light", "dark"}
)


def colored(**colours: str):
    """Attach Bootstrap colours to a ``TextChoices`` class (every member needs one)."""

    def decorate(choices: type[models.TextChoices]) -> type[models.TextChoices]:
        missing = set(choices.values) - set(colours)
        unknown = set(colours) - set(choices.values)
        bad = {c for c in colours.values() if c not in BOOTSTRAP_COLOURS}
        if missing or unknown or bad:
            raise ValueError(f"{choices.__name__}: missing {missing}, unknown {unknown}, {bad}")
        choices.colours = dict(colours)
        _COLOURED[tuple(choices.values)] = choices
        return choices

    return decorate


_COLOURED: dict[tuple[str, ...], type[models.TextChoices]] = {}


def colour_of(choices: type[models.TextChoices], value: str) -> str:
    return getattr(choices, "colours", {}).get(value, "secondary")


def field_colour(field: models.Field, value: str) -> str:
    """The colour of ``value`` of a field whose choices class was ``@colored``."""
    choices = _COLOURED.get(tuple(v for v, _label in field.flatchoices))
    return colour_of(choices, value) if choices else "secondary"


class Transitions:
    """A document's transition table: action -> (states it may start from, new state)."""

    def __init__(self, table: dict[str, tuple[Iterable[str], str]]) -> None:
        self.table = {action: (frozenset(src), dst) for action, (src, dst) in table.items()}

    def allowed(self, current: str, action: str) -> bool:
        sources, _target = self.table[action]
        return current in sources

    def target(self, current: str, action: str) -> str:
        """The state after ``action``, or ``DomainError('invalid_transition')``."""
        if action not in self.table:
            raise KeyError(action)
        if not self.allowed(current, action):
            raise invalid_transition(current, action)
        return self.table[action][1]

    def actions_from(self, current: str) -> list[str]:
        return [a for a, (src, _dst) in self.table.items() if current in src]
