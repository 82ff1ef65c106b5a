"""Demo data of finance: receivables."""


def build_receivables(ctx) -> None:
    """Build this area's demo history."""
