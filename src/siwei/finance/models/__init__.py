"""Finance (财务): payments, and each area's tables in its own module."""

from .payments import Payment, PaymentKind, PaymentMethod

__all__ = ["Payment", "PaymentKind", "PaymentMethod"]
