"""Pages of customer care: feedback."""

urlpatterns: list = []
