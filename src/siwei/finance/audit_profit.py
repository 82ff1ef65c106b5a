"""Audit labels of finance: profit."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict = {"overhead.set": _("Monthly overhead entered")}
