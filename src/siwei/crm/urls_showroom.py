"""Showroom log and statistics (CS-9) and lost-lead analysis (CS-8)."""

from django.urls import path

from . import views_showroom

urlpatterns = [
    path("showroom/", views_showroom.showroom_log, name="showroom"),
    path("showroom/statistics/", views_showroom.showroom_statistics, name="showroom-stats"),
    path("leads/lost-analysis/", views_showroom.lost_lead_analysis, name="lost-analysis"),
]
