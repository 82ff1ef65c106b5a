"""API of customer care: campaigns."""


def register(router) -> None:
    """Register this area's viewsets on the API router."""
