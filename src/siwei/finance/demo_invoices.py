"""Demo data of finance: invoices."""


def build_invoices(ctx) -> None:
    """Build this area's demo history."""
