"""Pages of reports and data: imports."""

urlpatterns: list = []
