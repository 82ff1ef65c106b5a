"""API of finance: invoices."""


def register(router) -> None:
    """Register this area's viewsets on the API router."""
