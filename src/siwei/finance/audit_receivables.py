"""Audit labels of finance: receivables."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict = {
    "receivable.sync": _("Receivables collected"),
    "receivable.charge": _("Repair order charged to a credit account"),
    "receivable.credit_account": _("Credit account changed"),
    "receivable.receipt": _("Receivable receipt recorded"),
    "receivable.match": _("Receipt matched to receivables"),
}
