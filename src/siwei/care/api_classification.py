"""API of customer care: classification."""


def register(router) -> None:
    """Register this area's viewsets on the API router."""
