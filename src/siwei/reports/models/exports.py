"""FN-10 full store exports: one job per requested export of a store's data (a zip of
every table with a manifest), written in the background and downloadable when done."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from siwei.core.enums import Transitions, colored
from siwei.core.scoping import StoreOwnedModel


@colored(queued="secondary", running="info", done="success", failed="danger")
class ExportStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("export", "Queued")
    RUNNING = "running", pgettext_lazy("export", "Running")
    DONE = "done", pgettext_lazy("export", "Ready")
    FAILED = "failed", pgettext_lazy("export", "Failed")


EXPORT_FLOW = Transitions({
    "start": ({ExportStatus.QUEUED}, ExportStatus.RUNNING),
    "finish": ({ExportStatus.RUNNING}, ExportStatus.DONE),
    "fail": ({ExportStatus.QUEUED, ExportStatus.RUNNING}, ExportStatus.FAILED),
})


class StoreExport(StoreOwnedModel):
    """A full data export of one store (FN-10). The zip is kept outside the public media
    directory (it holds personal data) and served only through the download view."""

    status = models.CharField(_("status"), max_length=10, choices=ExportStatus,
                              default=ExportStatus.QUEUED)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    table_count = models.PositiveIntegerField(_("tables"), default=0)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    failure = models.CharField(_("failure"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("requested"))
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("store data export")
        verbose_name_plural = _("store data exports")
        ordering = ["-created_at", "-id"]
        default_permissions = ()
        permissions = [("export_store_data", _("Can export all data of the store"))]
        indexes = [models.Index(fields=["store", "created_at"], name="reports_export_store")]

    def __str__(self) -> str:
        return self.file_name or f"export #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)
