"""Pages of finance: invoices (FN-3)."""

from django.urls import path

from . import views_invoices as views

urlpatterns = [
    path("invoices/", views.invoice_list, name="invoices"),
    path("invoices/new/", views.invoice_new, name="invoice-new"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice"),
    path("invoices/<int:pk>/void/", views.invoice_void_view, name="invoice-void"),
]
