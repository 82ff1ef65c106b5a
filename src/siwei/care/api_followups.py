"""API of customer care: followups."""


def register(router) -> None:
    """Register this area's viewsets on the API router."""
