"""API of reports and data: exports."""


def register(router) -> None:
    """Register this area's viewsets on the API router."""
