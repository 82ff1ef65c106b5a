"""API of reports and data: printing."""


def register(router) -> None:
    """Register this area's viewsets on the API router."""
