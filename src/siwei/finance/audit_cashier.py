"""Audit labels of finance: cashier."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict = {
    "cashier.close_day": _("Daily close"),
    "cashier.review_close": _("Daily close reviewed"),
    "cashier.refund_request": _("Refund requested"),
    "cashier.refund_approve": _("Refund approved"),
    "cashier.refund_reject": _("Refund rejected"),
}
