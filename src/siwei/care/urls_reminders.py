"""Pages of customer care: reminders."""

urlpatterns: list = []
