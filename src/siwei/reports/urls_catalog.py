from django.urls import path

from .catalog import views

urlpatterns = [
    path("", views.report_index, name="index"),
    path("view/<slug:key>/", views.report_page, name="report"),
]
