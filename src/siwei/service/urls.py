from django.urls import include, path

app_name = "service"

# Each part of the workshop's day has its own module of pages.
urlpatterns = [
    path("", include("siwei.service.urls_appointments")),
    path("", include("siwei.service.urls_orders")),
    path("", include("siwei.service.urls_workshop")),
    path("", include("siwei.service.urls_warranty")),
    path("", include("siwei.service.urls_kpis")),
    path("", include("siwei.service.urls_settings")),
]
