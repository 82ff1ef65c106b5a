"""Audit labels of the exports area (FN-10; exports of personal data)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "store_data.export": _("Full store data export started"),
    "store_data.download": _("Full store data export downloaded"),
    "list.export": _("List exported to Excel"),
}
