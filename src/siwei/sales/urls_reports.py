"""Test drives (CS-10), targets (CS-11), 三表一卡 (CS-12), consultant performance (CS-20)."""

from django.urls import path

from . import views_reports

urlpatterns = [
    path("test-drives/", views_reports.test_drives, name="test-drives"),
    path("targets/", views_reports.targets, name="targets"),
    path("control-sheets/", views_reports.control_sheets, name="control-sheets"),
    path("performance/", views_reports.consultant_performance, name="performance"),
]
