"""Pages of warranty claims, maintenance due, the knowledge base and equipment
(SV-17 … SV-20)."""

from django.urls import path

from . import views_warranty as views

urlpatterns = [
    path("warranty/claims/", views.claim_list, name="warranty-claims"),
    path("warranty/claims/from-ro/<int:ro>/", views.claim_new, name="warranty-claim-new"),
    path("warranty/claims/<int:pk>/", views.claim_detail, name="warranty-claim"),
    path("warranty/claims/<int:pk>/action/", views.claim_action,
         name="warranty-claim-action"),
    path("warranty/failed-parts/", views.failed_parts, name="warranty-failed-parts"),
    path("warranty/failed-parts/<int:pk>/dispose/", views.failed_part_dispose,
         name="warranty-failed-part-dispose"),
    path("maintenance-due/", views.maintenance_due, name="maintenance-due"),
    path("knowledge/", views.knowledge_list, name="knowledge"),
    path("knowledge/new/", views.knowledge_edit, name="knowledge-new"),
    path("knowledge/suggest/", views.knowledge_suggest, name="knowledge-suggest"),
    path("knowledge/<int:pk>/", views.knowledge_detail, name="knowledge-entry"),
    path("knowledge/<int:pk>/edit/", views.knowledge_edit, name="knowledge-edit"),
    path("knowledge/<int:pk>/approve/", views.knowledge_approve, name="knowledge-approve"),
    path("equipment/", views.equipment_list, name="equipment"),
    path("equipment/new/", views.equipment_edit, name="equipment-new"),
    path("equipment/loans/", views.tool_loans, name="tool-loans"),
    path("equipment/loans/<int:pk>/return/", views.tool_return, name="tool-return"),
    path("equipment/<int:pk>/", views.equipment_detail, name="equipment-detail"),
    path("equipment/<int:pk>/edit/", views.equipment_edit, name="equipment-edit"),
    path("equipment/<int:pk>/log/", views.equipment_log, name="equipment-log"),
    path("equipment/<int:pk>/calibrate/", views.equipment_calibrate,
         name="equipment-calibrate"),
]
