from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from ..registry import app_modules
from .views import MeView, StoreViewSet, TokenView

router = DefaultRouter(trailing_slash=True)
router.register("stores", StoreViewSet, basename="store")
# Each app registers its resources in ``<app>/api.py``: ``def register(router): ...``.
for module in app_modules("api"):
    if hasattr(module, "register"):
        module.register(router)

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
