"""Personal data masking (PIPL): mobile and ID numbers are shown in full only to users
with ``core.view_personal_data`` in the store."""

from __future__ import annotations

from .permissions import has_store_perm


def mask_mobile(mobile: str) -> str:
    """``13812345678`` → ``138****5678``."""
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) == 11 else mobile


def mask_id_number(number: str) -> str:
    """``110105194912310021`` → ``110105********0021``."""
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}" if len(number) > 10 else number


def can_view_personal_data(request) -> bool:
    store = getattr(request, "store", None)
    return bool(store) and has_store_perm(request.user, store, "core.view_personal_data")
