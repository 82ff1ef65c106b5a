"""Pages of finance: receivables."""

urlpatterns: list = []
