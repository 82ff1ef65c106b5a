"""Pages of the appointments (SV-1 … SV-5), shifts and the store calendar."""

from django.urls import path

from . import views_appointments as views

urlpatterns = [
    path("appointments/", views.appointment_list, name="appointments"),
    path("appointments/slots/", views.slot_finder, name="appointment-slots"),
    path("appointments/new/", views.appointment_new, name="appointment-new"),
    path("appointments/kpis/", views.appointment_kpis, name="appointment-kpis"),
    path("appointments/<int:pk>/", views.appointment_detail, name="appointment"),
    path("appointments/<int:pk>/confirm/", views.appointment_confirm_view,
         name="appointment-confirm"),
    path("appointments/<int:pk>/cancel/", views.appointment_cancel_view,
         name="appointment-cancel"),
    path("appointments/<int:pk>/reschedule/", views.appointment_reschedule_view,
         name="appointment-reschedule"),
    path("appointments/<int:pk>/arrive/", views.appointment_arrive_view,
         name="appointment-arrive"),
    path("shifts/", views.shifts, name="shifts"),
    path("calendar/", views.store_calendar, name="calendar"),
]
