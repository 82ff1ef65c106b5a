"""Audit labels of the report catalogue."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {"report.export": _("Report downloaded to Excel")}
