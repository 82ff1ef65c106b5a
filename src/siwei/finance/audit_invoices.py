"""Audit labels of finance: invoices."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict = {
    "invoice.issue": _("Invoice recorded"),
    "invoice.void": _("Invoice voided"),
}
