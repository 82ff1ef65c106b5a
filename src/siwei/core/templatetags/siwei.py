"""Template helpers shared by every page: status badges and money."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html

from ..enums import field_colour
from ..fields import money

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
