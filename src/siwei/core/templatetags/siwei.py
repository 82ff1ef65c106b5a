"""Template helpers shared by every page: status badges and money."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html

from ..enums import field_colour
from ..fields import money
from ..permissions import has_store_perm

register = template.Library()


@register.simple_tag
def status_badge(obj, field_name: str = "status"):
    """``{% status_badge order %}``: the translated label in the state's colour."""
    field = obj._meta.get_field(field_name)
    value = getattr(obj, field_name)
    label = getattr(obj, f"get_{field_name}_display")()
    colour = field_colour(field, value)
    return format_html('<span class="badge text-bg-{}" data-status="{}">{}</span>',
                       colour, value, label)


@register.filter
def yuan(value) -> str:
    """``1250.5`` → ``¥1,250.50`` (zh-CN style, two decimals)."""
    if value is None or value == "":
        return ""
    amount = money(value if isinstance(value, Decimal) else Decimal(str(value)))
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


@register.simple_tag(takes_context=True)
def mobile(context, value: str) -> str:
    """A mobile number, masked (``138****5678``) for users without the personal-data
    permission in the store."""
    from ..masking import can_view_personal_data, mask_mobile

    request = context.get("request")
    return value if request is not None and can_view_personal_data(request) else mask_mobile(
        value or "")


@register.simple_tag(takes_context=True)
def id_number(context, value: str) -> str:
    from ..masking import can_view_personal_data, mask_id_number

    request = context.get("request")
    return value if request is not None and can_view_personal_data(request) else (
        mask_id_number(value or ""))


@register.simple_tag
def term(chinese: str) -> str:
    """The Chinese term after an English label, as a glossary hint: ``(进销存)``. In Chinese
    the label already is the term, so nothing is added."""
    from django.utils.translation import get_language

    if (get_language() or "").startswith("zh"):
        return ""
    return format_html('<small class="text-muted">({})</small>', chinese)


@register.simple_tag(takes_context=True)
def store_perm(context, perm: str) -> bool:
    """``{% store_perm "finance.add_invoice" as can_invoice %}``: whether the user holds
    ``perm`` in the active store (permissions are cached per request: no query)."""
    request = context.get("request")
    store = getattr(request, "store", None) if request else None
    if store is None or not request.user.is_authenticated:
        return False
    return has_store_perm(request.user, store, perm)
