"""Pages of finance: invoices."""

urlpatterns: list = []
