"""Pages of reports and data: exports."""

urlpatterns: list = []
