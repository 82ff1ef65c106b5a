"""Labels of the finance actions in the audit log, one dict per area."""

from . import audit_cashier, audit_invoices, audit_profit, audit_receivables

ACTION_LABELS = {code: label
                 for module in (audit_cashier, audit_invoices, audit_receivables, audit_profit)
                 for code, label in module.ACTION_LABELS.items()}
