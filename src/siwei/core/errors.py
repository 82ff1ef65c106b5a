"""Business-rule errors. A service raises ``DomainError(code, message)``; the API answers
409 ``{"code", "detail"}`` and pages show the message."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule refused the action. ``code`` is stable (see api.md); ``extra``
    is added to the API body (for example ``existing_id``)."""

    status_code = 409

    def __init__(self, code: str, message: Any, **extra: Any) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.extra = extra

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "detail": str(self.message), **self.extra}


def invalid_transition(current: str, action: str) -> DomainError:
    from django.utils.translation import gettext as _

    return DomainError(
        "invalid_transition",
        _("This action (%(action)s) is not allowed in state %(state)s.")
        % {"action": action, "state": current},
        status=current,
    )
