from django.urls import include, path

app_name = "care"

# Each part of customer care has its own module of pages.
urlpatterns = [
    path("", include(f"siwei.care.urls_{area}"))
    for area in ("followups", "feedback", "classification", "reminders", "campaigns")
]
