"""Audit labels of customer care: reminders."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict = {
    "insurance.renew": _("Insurance renewal recorded"),
    "care_settings.update": _("Care settings changed"),
}
