"""Pages of customer care: classification."""

urlpatterns: list = []
