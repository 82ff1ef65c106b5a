"""Pages of finance: cashier."""

urlpatterns: list = []
