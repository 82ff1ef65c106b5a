"""Pages of customer care: complaints and feedback (CR-6, CR-7, CR-9)."""

from django.urls import path

from . import views_feedback as views

urlpatterns: list = [
    path("feedback/", views.feedback_list, name="feedback"),
    path("feedback/new/", views.feedback_new, name="feedback-new"),
    path("feedback/analysis/", views.feedback_analysis, name="feedback-analysis"),
    path("feedback/<int:pk>/", views.feedback_detail, name="feedback-detail"),
    path("feedback/<int:pk>/action/", views.feedback_action, name="feedback-action"),
]
