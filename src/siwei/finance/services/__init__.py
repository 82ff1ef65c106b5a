"""Every write of finance goes through these services."""

from .cashier import (
    daily_close,
    daily_close_review,
    day_totals,
    refund_approve,
    refund_reject,
    refund_request_create,
)
from .invoices import (
    default_lines,
    document_total,
    invoice_issue,
    invoice_void,
    invoiced_total,
)
from .payments import payment_record
from .profit import overhead_set
from .receivables import (
    credit_account_set,
    credit_used,
    receipt_match,
    receivable_charge_to_account,
    receivable_receipt_record,
    receivables_sync,
)

__all__ = ["payment_record"]
__all__ += ["daily_close", "daily_close_review", "day_totals", "refund_approve", "refund_reject",
            "refund_request_create"]
__all__ += ["default_lines", "document_total", "invoice_issue", "invoice_void",
            "invoiced_total"]
__all__ += ["credit_account_set", "credit_used", "receipt_match",
            "receivable_charge_to_account", "receivable_receipt_record", "receivables_sync"]
__all__ += ["overhead_set"]
