from django.urls import include, path

app_name = "finance"

urlpatterns = [path("", include(f"siwei.finance.urls_{area}"))
               for area in ("cashier", "invoices", "receivables", "profit")]
