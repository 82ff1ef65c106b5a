"""Pages of reports and data: imports (FN-9)."""

from django.urls import path

from .imports import views

urlpatterns: list = [
    path("imports/", views.import_index, name="imports"),
    path("imports/<int:pk>/", views.import_job, name="import-job"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import-progress"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("imports/<int:pk>/bad-rows.xlsx", views.import_errors_xlsx, name="import-errors"),
    path("imports/template/<slug:kind>.xlsx", views.import_template, name="import-template"),
]
