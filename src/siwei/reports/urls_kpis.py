"""Pages of reports and data: the managers' KPIs and their targets (FN-6)."""

from django.urls import path

from .kpis import views

urlpatterns: list = [
    path("kpis/", views.kpis, name="kpis"),
    path("kpis/targets/", views.kpi_targets, name="kpi-targets"),
]
