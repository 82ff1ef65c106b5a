"""Pages of the repair orders (SV-6 … SV-16)."""

from django.urls import path

from . import views_orders as views

urlpatterns = [
    path("repair-orders/", views.ro_list, name="ro-list"),
    path("repair-orders/reception/", views.reception, name="ro-reception"),
    path("repair-orders/<int:pk>/", views.ro_detail, name="ro"),
    path("repair-orders/<int:pk>/action/", views.ro_action, name="ro-action"),
    path("repair-orders/<int:pk>/print/<slug:doc>/", views.ro_print, name="ro-print"),
]
