"""API of customer care: reminders."""


def register(router) -> None:
    """Register this area's viewsets on the API router."""
