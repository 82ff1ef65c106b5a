"""Demo data of customer care: followups."""


def build_followups(ctx) -> None:
    """Build this area's demo history."""
