"""Pages of customer care: followups."""

urlpatterns: list = []
