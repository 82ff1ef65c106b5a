"""Business actions of the parts department. Every function is keyword-only, one
transaction, checks the actor's permission and writes the audit."""

from .analysis import abc_classify
from .catalog import (
    location_create,
    location_update,
    part_create,
    part_update,
    supplier_create,
    supplier_delete,
    supplier_update,
)
from .issuing import IssueLine, stock_issue_lines
from .ledger import (
    issued_quantity,
    reservation_release,
    reservation_release_one,
    stock_issue,
    stock_move_reverse,
    stock_relocate,
    stock_reserve,
    stock_return,
)
from .photos import nonconformance_photo
from .purchasing import (
    ReceiptLine,
    purchase_order_add_line,
    purchase_order_cancel,
    purchase_order_close,
    purchase_order_create,
    purchase_order_receive,
    purchase_order_send,
    purchase_orders_from_suggestions,
)
from .requests import stock_request_cancel, stock_request_create, stock_request_issue
from .stocktake import (
    cycle_count_due,
    stocktake_add_line,
    stocktake_approve,
    stocktake_cancel,
    stocktake_count,
    stocktake_create,
    stocktake_reopen,
    stocktake_submit,
)
from .transfers import (
    transfer_approve,
    transfer_cancel,
    transfer_receive,
    transfer_request,
    transfer_ship,
)

__all__ = [
    "IssueLine", "ReceiptLine", "abc_classify", "cycle_count_due", "issued_quantity",
    "location_create", "location_update", "nonconformance_photo", "part_create",
    "part_update", "purchase_order_add_line", "purchase_order_cancel", "purchase_order_close",
    "purchase_order_create", "purchase_order_receive", "purchase_order_send",
    "purchase_orders_from_suggestions", "reservation_release", "reservation_release_one",
    "stock_issue", "stock_issue_lines", "stock_move_reverse", "stock_relocate",
    "stock_request_cancel", "stock_request_create", "stock_request_issue", "stock_reserve",
    "stock_return", "stocktake_add_line", "stocktake_approve", "stocktake_cancel",
    "stocktake_count", "stocktake_create", "stocktake_reopen", "stocktake_submit",
    "supplier_create", "supplier_delete", "supplier_update", "transfer_approve",
    "transfer_cancel", "transfer_receive", "transfer_request", "transfer_ship",
]
