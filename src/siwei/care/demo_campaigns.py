"""Demo data of customer care: campaigns."""


def build_campaigns(ctx) -> None:
    """Build this area's demo history."""
