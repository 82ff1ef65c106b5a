from importlib.util import find_spec

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from siwei.core import views as core_views
from siwei.core.registry import siwei_app_configs

urlpatterns = [
    path("", core_views.home, name="home"),
    path("home/cards/<slug:key>/", core_views.home_card, name="home-card"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True),
         name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("siwei.core.api.urls")),
    path("admin/", admin.site.urls),
    path("", include("siwei.core.urls")),
]
# Each department's pages live under its own prefix, e.g. /parts/.
urlpatterns += [
    path(f"{config.label}/", include(f"{config.name}.urls"))
    for config in siwei_app_configs()
    if config.label not in {"core", "demo"} and find_spec(f"{config.name}.urls")
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
