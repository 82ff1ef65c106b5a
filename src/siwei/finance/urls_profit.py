"""Pages of finance: profit."""

urlpatterns: list = []
