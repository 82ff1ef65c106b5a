from django.urls import path

from . import views, views_analysis, views_documents

app_name = "parts"

urlpatterns = [
    path("", views.stock, name="stock"),
    path("part/<int:pk>/", views.part_detail, name="part"),
    path("labels/", views.labels, name="labels"),
    path("queue/", views.queue, name="queue"),
    path("queue/<int:pk>/issue/", views.queue_issue, name="queue-issue"),
    path("queue/<int:pk>/cancel/", views.queue_cancel, name="queue-cancel"),
    path("moves/", views.moves, name="moves"),
    path("orders/", views_documents.po_list, name="po-list"),
    path("orders/new/", views_documents.po_create, name="po-create"),
    path("orders/<int:pk>/", views_documents.po_detail, name="po-detail"),
    path("orders/<int:pk>/<slug:action>/", views_documents.po_action, name="po-action"),
    path("stocktakes/", views_documents.stocktake_list, name="stocktakes"),
    path("stocktakes/<int:pk>/", views_documents.stocktake_detail, name="stocktake-detail"),
    path("transfers/", views_documents.transfer_list, name="transfers"),
    path("transfers/<int:pk>/<slug:action>/", views_documents.transfer_action,
         name="transfer-action"),
    path("analysis/", views_analysis.analysis, name="analysis"),
    path("analysis/order/", views_analysis.order_suggestions, name="order-suggestions"),
    path("analysis/classify/", views_analysis.classify, name="classify"),
]
