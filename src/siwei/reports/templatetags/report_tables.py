"""Showing a report cell by its column's kind (FN-7)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.template.defaultfilters import date as date_filter

register = template.Library()


@register.filter
def report_cell(row: dict | None, column) -> str:
    """The value of ``column`` in ``row``, formatted for zh-CN: money with two decimals and
    thousands separators, per cents with a % sign, an empty value as a dash."""
    value = (row or {}).get(column.key)
    if value is None or value == "":
        return "—"
    if column.kind == "money":
        return f"{Decimal(value):,.2f}"
    if column.kind == "percent":
        return f"{value}%"
    if column.kind == "decimal" and isinstance(value, Decimal):
        return f"{value:,}"
    if column.kind == "int" and isinstance(value, int):
        return f"{value:,}"
    if column.kind == "date" and hasattr(value, "year"):
        return date_filter(value, "Y-m-d")
    return str(value)


@register.filter
def is_number(column) -> bool:
    return column.kind in ("int", "money", "decimal", "percent")
