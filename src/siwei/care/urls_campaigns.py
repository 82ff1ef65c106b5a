"""Pages of customer care: campaigns."""

urlpatterns: list = []
