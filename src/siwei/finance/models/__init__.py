"""Finance (财务): payments, and each area's tables in its own module."""

from .cashier import DailyClose, DailyCloseStatus, RefundRequest, RefundStatus
from .invoices import INVOICE_FLOW, Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from .payments import Payment, PaymentKind, PaymentMethod
from .profit import MonthlyOverhead
from .receivables import (
    CreditAccount,
    DebtorKind,
    ReceiptMatch,
    Receivable,
    ReceivableReceipt,
)

__all__ = ["Payment", "PaymentKind", "PaymentMethod"]
__all__ += ["DailyClose", "DailyCloseStatus", "RefundRequest", "RefundStatus"]
__all__ += ["INVOICE_FLOW", "Invoice", "InvoiceKind", "InvoiceLine", "InvoiceStatus"]
__all__ += ["CreditAccount", "DebtorKind", "ReceiptMatch", "Receivable", "ReceivableReceipt"]
__all__ += ["MonthlyOverhead"]
