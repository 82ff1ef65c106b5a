"""Demo data of customer care: reminders."""


def build_reminders(ctx) -> None:
    """Build this area's demo history."""
