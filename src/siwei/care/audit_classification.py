"""Audit labels of customer care: classification."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict = {
    "classifier.train": _("Feedback classifier retrained"),
}
