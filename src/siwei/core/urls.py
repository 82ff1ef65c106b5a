from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("store/switch/", views.store_switch, name="store-switch"),
    path("settings/staff/", views.staff, name="staff"),
    path("settings/roles/", views.roles, name="roles"),
    path("settings/audit/", views.audit, name="audit"),
    path("me/permissions/", views.my_permissions, name="my-permissions"),
]
