from django.urls import include, path

from . import views

app_name = "crm"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("customers/", views.customer_list, name="customers"),
    path("customers/new/", views.customer_new, name="customer-new"),
    path("customers/<int:pk>/", views.customer_card, name="customer"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="customer-edit"),
    path("customers/<int:pk>/erase/", views.customer_erase, name="customer-erase"),
    path("customers/<int:pk>/vehicles/new/", views.vehicle_new, name="vehicle-new"),
    path("customers/<int:pk>/leads/new/", views.lead_new, name="lead-new"),
    path("leads/", views.lead_list, name="leads"),
    path("leads/<int:pk>/", views.lead_detail, name="lead"),
    path("leads/<int:pk>/lose/", views.lead_lose, name="lead-lose"),
    path("leads/<int:pk>/decide-loss/", views.lead_decide_loss, name="lead-decide-loss"),
    path("", include("siwei.crm.urls_showroom")),
]
