"""Demo data of finance: cashier."""


def build_cashier(ctx) -> None:
    """Build this area's demo history."""
