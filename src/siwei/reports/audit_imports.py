"""Audit labels of the imports area (FN-9)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {"reports.import": _("Data imported")}
