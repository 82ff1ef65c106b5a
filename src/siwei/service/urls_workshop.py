"""Workshop pages: dispatch board, technician's jobs, inspections, quality and KPIs
(SV-10, SV-13, SV-14)."""

from django.urls import path

from . import views_workshop as views

urlpatterns = [
    path("workshop/board/", views.board, name="workshop-board"),
    path("workshop/jobs/<int:pk>/assign/", views.job_assign_view, name="workshop-job-assign"),
    path("workshop/jobs/<int:pk>/<slug:action>/", views.job_action, name="workshop-job-action"),
    path("workshop/my-jobs/", views.my_jobs, name="workshop-my-jobs"),
    path("workshop/inspections/foreman/", views.foreman_queue, name="workshop-foreman-checks"),
    path("workshop/inspections/final/", views.final_queue,
         name="workshop-final-inspections"),
    path("workshop/orders/<int:pk>/inspect/<int:level>/", views.inspect,
         name="workshop-inspect"),
    path("workshop/quality/", views.quality, name="workshop-quality"),
    path("workshop/kpis/", views.kpis, name="workshop-kpis"),
]
