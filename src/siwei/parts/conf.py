"""Settings of the parts analysis (PT-13, PT-15) with their defaults. A deployment may
override them in Django settings as ``SIWEI_PARTS = {"ABC_A": 80, ...}``."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

DEFAULTS = {
    "ABC_A": Decimal(80),  # percent of 12-month consumption value
    "ABC_B": Decimal(15),
    "SSQ_DIVISOR": Decimal(6),
    "MIN_DEMAND_6M": Decimal(12),  # below this the part is kept at the central warehouse
    "SLOW_MONTHS": 7,
    "OBSOLETE_MONTHS": 12,
    "TURNOVER_TARGET": Decimal(6),
    "FILL_RATE_TARGET": Decimal(90),
}


def parts_setting(name: str):
    overrides = getattr(settings, "SIWEI_PARTS", {}) or {}
    value = overrides.get(name, DEFAULTS[name])
    return Decimal(str(value)) if isinstance(DEFAULTS[name], Decimal) else value
