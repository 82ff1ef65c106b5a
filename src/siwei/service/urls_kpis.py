"""The Service KPIs page (service.md, "Service KPIs")."""

from django.urls import path

from . import views_kpis as views

urlpatterns = [
    path("kpis/", views.service_kpis, name="kpis"),
]
