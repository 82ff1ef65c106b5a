"""Pages of reports and data: printing."""

urlpatterns: list = []
