"""Personal data masking (PIPL): mobile and ID numbers are shown in full only to users
with ``core.view_personal_data`` in the store."""

from __future__ import annotations

import re

from .permissions import has_store_perm


def mask_mobile(mobile: str) -> str:
    """``13812345678`` → ``138****5678``. A number typed by hand (``+86 138 1234 5678``,
    a landline) is masked too: never shown whole."""
    mobile = (mobile or "").strip()
    digits = re.sub(r"\D", "", mobile)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) == 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(mobile) >= 8:
        return f"{mobile[:3]}****{mobile[-4:]}"
    return "****" if mobile else ""


def mask_id_number(number: str) -> str:
    """``110105194912310021`` → ``110105********0021``; a short one keeps only its last
    characters."""
    number = (number or "").strip()
    if len(number) > 10:
        return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"
    return f"{'*' * (len(number) - 2)}{number[-2:]}" if len(number) > 2 else number


def can_view_personal_data(request) -> bool:
    store = getattr(request, "store", None)
    return bool(store) and has_store_perm(request.user, store, "core.view_personal_data")
