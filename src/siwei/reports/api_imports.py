"""API of reports and data: imports."""


def register(router) -> None:
    """Register this area's viewsets on the API router."""
