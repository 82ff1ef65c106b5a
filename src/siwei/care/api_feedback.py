"""API of customer care: feedback."""


def register(router) -> None:
    """Register this area's viewsets on the API router."""
