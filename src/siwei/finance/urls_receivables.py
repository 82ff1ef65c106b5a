"""Pages of finance: receivables (FN-4)."""

from django.urls import path

from . import views_receivables as views

urlpatterns = [
    path("receivables/", views.aging, name="receivables"),
    path("receivables/sync/", views.sync, name="receivables-sync"),
    path("receivables/debtor/", views.debtor, name="receivable-debtor"),
    path("receivables/<int:pk>/", views.item_detail, name="receivable"),
    path("receivables/credit/", views.credit_accounts, name="credit-accounts"),
    path("receivables/credit/charge/", views.charge, name="credit-charge"),
]
