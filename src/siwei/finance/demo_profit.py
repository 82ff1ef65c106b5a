"""Demo data of finance: profit."""


def build_profit(ctx) -> None:
    """Build this area's demo history."""
