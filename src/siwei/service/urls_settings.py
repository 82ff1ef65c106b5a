"""The service settings page (rates, labour operations, the store's service rules)."""

from django.urls import path

from . import views_settings as views

urlpatterns = [
    path("settings/", views.service_settings_page, name="settings"),
]
