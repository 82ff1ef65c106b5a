"""FN-9 import jobs: one uploaded file of customers, vehicles, parts and prices or opening
stock, its dry run (every bad row with the reason) and its import."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from siwei.core.enums import Transitions, colored
from siwei.core.scoping import StoreOwnedModel


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    VEHICLES = "vehicles", _("Vehicles")
    PARTS = "parts", _("Parts and prices")
    STOCK = "stock", _("Opening stock")


class ImportMode(models.TextChoices):
    DRY_RUN = "dry_run", _("Dry run (check only)")
    ALL_OR_NOTHING = "all_or_nothing", _("Import all rows, or nothing if a row is bad")
    GOOD_ROWS_ONLY = "good_rows_only", _("Import the good rows only")


@colored(queued="secondary", running="info", checked="primary", refused="danger",
         done="success", failed="danger")
class ImportStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("import", "Queued")
    RUNNING = "running", pgettext_lazy("import", "Running")
    CHECKED = "checked", pgettext_lazy("import", "Checked")
    REFUSED = "refused", pgettext_lazy("import", "Refused: bad rows")
    DONE = "done", pgettext_lazy("import", "Imported")
    FAILED = "failed", pgettext_lazy("import", "Failed")


IMPORT_FLOW = Transitions({
    "start": ({ImportStatus.QUEUED}, ImportStatus.RUNNING),
    "check": ({ImportStatus.RUNNING}, ImportStatus.CHECKED),
    "refuse": ({ImportStatus.RUNNING}, ImportStatus.REFUSED),
    "finish": ({ImportStatus.RUNNING}, ImportStatus.DONE),
    "fail": ({ImportStatus.QUEUED, ImportStatus.RUNNING}, ImportStatus.FAILED),
    "confirm": ({ImportStatus.CHECKED}, ImportStatus.QUEUED),
})


class ImportJob(StoreOwnedModel):
    """An uploaded import file and what became of it. ``errors`` lists every bad row as
    ``{"row": 5, "column": "mobile", "label": "手机号 Mobile", "message": "…"}``; the
    row number is the spreadsheet's (the header is row 1)."""

    kind = models.CharField(_("kind"), max_length=12, choices=ImportKind)
    mode = models.CharField(_("mode"), max_length=15, choices=ImportMode,
                            default=ImportMode.DRY_RUN)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    language = models.CharField(max_length=10, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus,
                              default=ImportStatus.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    good_rows = models.PositiveIntegerField(_("good rows"), default=0)
    written_rows = models.PositiveIntegerField(_("rows imported"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    errors = models.JSONField(_("bad rows"), default=list, blank=True)
    failure = models.CharField(_("failure"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("confirmed by"))
    created_at = models.DateTimeField(_("created"))
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)
        permissions = [
            ("import_customers", _("Can import customers")),
            ("import_vehicles", _("Can import vehicles")),
            ("import_parts", _("Can import parts and prices")),
            ("import_stock", _("Can import opening stock")),
        ]
        indexes = [models.Index(fields=["store", "created_at"], name="reports_import_store")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"

    @property
    def bad_rows(self) -> int:
        return len({e.get("row") for e in self.errors or []})

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING) else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def is_active(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)


def import_permission(kind: str) -> str:
    """The permission needed to import ``kind``."""
    return f"reports.import_{kind}"
