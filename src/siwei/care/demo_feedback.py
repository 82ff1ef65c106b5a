"""Demo data of customer care: feedback."""


def build_feedback(ctx) -> None:
    """Build this area's demo history."""
