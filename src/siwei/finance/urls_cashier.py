"""Pages of finance: cashier desk, receipts, refunds (FN-1) and daily closes (FN-2)."""

from django.urls import path

from . import views_cashier, views_closes

urlpatterns: list = [
    path("cashier/", views_cashier.desk, name="cashier"),
    path("cashier/pay/<str:kind>/<int:pk>/", views_cashier.pay, name="cashier-pay"),
    path("cashier/refund/<str:kind>/<int:pk>/", views_cashier.refund_new,
         name="cashier-refund"),
    path("cashier/receipts/<int:pk>/", views_cashier.receipt, name="cashier-receipt"),
    path("cashier/refunds/", views_cashier.refunds, name="refunds"),
    path("cashier/refunds/<int:pk>/decide/", views_cashier.refund_decide,
         name="refund-decide"),
    path("cashier/close/", views_closes.close_my_day, name="close-day"),
    path("daily-closes/", views_closes.close_list, name="daily-closes"),
    path("daily-closes/<int:pk>/review/", views_closes.close_review,
         name="daily-close-review"),
]
