"""Pages of customer care: classification of feedback (CR-8)."""

from django.urls import path

from . import views_classification as views

urlpatterns: list = [
    path("feedback/classifier/", views.classifier_accuracy, name="classifier-accuracy"),
    path("feedback/classifier/train/", views.classifier_train, name="classifier-train"),
]
