"""API of finance: profit."""


def register(router) -> None:
    """Register this area's viewsets on the API router."""
