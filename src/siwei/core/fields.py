"""Money and quantity helpers. Money is Decimal, never float."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models

CENT = Decimal("0.01")
MILLI = Decimal("0.001")
ZERO = Decimal("0.00")


def MoneyField(*args, **kwargs) -> models.DecimalField:
    """An amount in CNY: 14 digits, 2 decimals."""
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 2)
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(*args, **kwargs)


def QuantityField(*args, **kwargs) -> models.DecimalField:
    """A quantity of parts: 3 decimals (oil is sold by the litre)."""
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 3)
    kwargs.setdefault("default", Decimal("0.000"))
    return models.DecimalField(*args, **kwargs)


def to_decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money and quantities are never floats")
    return value if isinstance(value, Decimal) else Decimal(str(value))


def money(value: Decimal | int | str) -> Decimal:
    """Round an amount half up to the cent (line-level rounding)."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def quantity(value: Decimal | int | str) -> Decimal:
    return to_decimal(value).quantize(MILLI, rounding=ROUND_HALF_UP)


def vat_split(gross: Decimal, rate: Decimal) -> tuple[Decimal, Decimal]:
    """Split a tax-inclusive amount into (net, tax); net + tax == gross to the cent."""
    gross = money(gross)
    net = money(gross / (Decimal(1) + to_decimal(rate)))
    return net, gross - net
