from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "siwei.core"
    label = "core"
    verbose_name = _("Stores and staff")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import clock, roles

        clock.install_from_settings()

        # After the last app's post-migrate, so that every app's permissions exist.
        post_migrate.connect(roles.sync_after_migrate)
