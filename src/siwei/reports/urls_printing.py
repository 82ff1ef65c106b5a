"""Pages of reports and data: printing (FN-8 PDF printouts)."""

from django.urls import path

from . import views_printing

urlpatterns: list = [
    path("print/<slug:doc>/<int:pk>.pdf", views_printing.print_pdf, name="print"),
]
