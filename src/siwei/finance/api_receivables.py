"""API of finance: receivables."""


def register(router) -> None:
    """Register this area's viewsets on the API router."""
