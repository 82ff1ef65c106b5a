"""Pages of finance: profit (FN-5)."""

from django.urls import path

from . import views_profit

urlpatterns: list = [
    path("overheads/", views_profit.overheads, name="overheads"),
    path("profit/", views_profit.profit, name="profit"),
]
