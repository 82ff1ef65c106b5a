from django.urls import include, path

from . import views

app_name = "sales"

urlpatterns = [
    path("stock/", views.stock_list, name="stock"),
    path("stock/new/", views.stock_new, name="stock-new"),
    path("stock/balance/", views.stock_balance, name="stock-balance"),
    path("certificates/", views.certificates, name="certificates"),
    path("certificates/<int:pk>/move/", views.certificate_move_view, name="certificate-move"),
    path("orders/", views.order_list, name="orders"),
    path("orders/new/", views.order_new, name="order-new"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/action/", views.order_action, name="order-action"),
    path("orders/<int:pk>/deliver/", views.order_deliver_view, name="order-deliver"),
    path("cashier/", views.cashier_desk, name="cashier"),
    path("settings/", views.sales_settings, name="settings"),
    path("", include("siwei.sales.urls_reports")),
]
