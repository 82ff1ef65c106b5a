"""Every write of finance goes through these services."""

from .payments import payment_record

__all__ = ["payment_record"]
