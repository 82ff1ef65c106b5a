"""Pages of reports and data: exports (FN-10)."""

from django.urls import path

from .exports import views

urlpatterns: list = [
    path("exports/", views.export_index, name="exports"),
    path("exports/start/", views.export_start, name="export-start"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
    path("exports/lists/", views.list_index, name="export-lists"),
    path("exports/lists/<slug:slug>.xlsx", views.list_download, name="export-list"),
]
