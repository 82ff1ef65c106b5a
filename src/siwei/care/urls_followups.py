"""Pages of customer care: follow-up calls and survey results (CR-1 … CR-4)."""

from django.urls import path

from . import views_followups as views
from . import views_surveys

urlpatterns = [
    path("follow-ups/", views.task_list, name="followups"),
    path("follow-ups/mine/", views.my_calls, name="my-calls"),
    path("follow-ups/overdue/", views.overdue, name="followups-overdue"),
    path("follow-ups/<int:pk>/", views.task_detail, name="followup"),
    path("follow-ups/<int:pk>/action/", views.task_action, name="followup-action"),
    path("surveys/results/", views_surveys.survey_results_page, name="survey-results"),
]
