from django.urls import include, path

app_name = "reports"

urlpatterns = [path("", include(f"siwei.reports.urls_{area}"))
               for area in ("catalog", "printing", "imports", "exports", "kpis")]
