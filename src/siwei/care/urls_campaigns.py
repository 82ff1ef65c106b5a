"""Pages of customer care: segments, campaigns, the messages log, and the inbound endpoint
of the messaging provider (CR-10 … CR-12)."""

from django.urls import path

from . import views_campaigns as views

urlpatterns = [
    path("segments/", views.segment_list, name="segments"),
    path("segments/new/", views.segment_new, name="segment-new"),
    path("segments/count/", views.segment_count, name="segment-count"),
    path("segments/<int:pk>/", views.segment_detail, name="segment"),
    path("segments/<int:pk>/edit/", views.segment_edit, name="segment-edit"),
    path("segments/<int:pk>/delete/", views.segment_delete, name="segment-delete"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_new, name="campaign-new"),
    path("campaigns/card/", views.campaigns_card, name="campaigns-card"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/action/", views.campaign_action, name="campaign-action"),
    path("messages/", views.message_list, name="messages"),
    path("messages/inbound/<str:backend>/", views.message_inbound, name="messages-inbound"),
]
