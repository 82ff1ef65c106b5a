from django.urls import path

from . import views, views_analysis, views_catalog, views_documents

app_name = "parts"

urlpatterns = [
    path("", views.stock, name="stock"),
    path("part/new/", views_catalog.part_create, name="part-create"),
    path("part/<int:pk>/", views.part_detail, name="part"),
    path("part/<int:pk>/edit/", views_catalog.part_edit, name="part-edit"),
    path("suppliers/", views_catalog.supplier_list, name="suppliers"),
    path("suppliers/new/", views_catalog.supplier_create, name="supplier-create"),
    path("suppliers/<int:pk>/edit/", views_catalog.supplier_edit, name="supplier-edit"),
    path("locations/", views_catalog.location_list, name="locations"),
    path("locations/<int:pk>/edit/", views_catalog.location_edit, name="location-edit"),
    path("locations/<int:pk>/active/", views_catalog.location_active, name="location-active"),
    path("nonconformances/<int:pk>/photo/", views_catalog.nonconformance_photo,
         name="nonconformance-photo"),
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
