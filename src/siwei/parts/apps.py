from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartsConfig(AppConfig):
    name = "siwei.parts"
    label = "parts"
    verbose_name = _("Spare parts")

    def ready(self) -> None:
        from . import audit  # noqa: F401 - registers the audit action labels
