"""Pages of customer care: reminders (CR-5) — insurance renewals and the care settings."""

from django.urls import path

from . import views_reminders as views

urlpatterns = [
    path("insurance-renewals/", views.insurance_renewals, name="insurance-renewals"),
    path("insurance-renewals/<int:vehicle>/renew/", views.insurance_renew,
         name="insurance-renew"),
    path("settings/", views.settings_edit, name="settings"),
]
