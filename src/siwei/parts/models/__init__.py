"""Parts department tables: catalog (group master data), per-store settings and
locations, the stock ledger, and the documents that move stock."""

from .catalog import AttributeClass, Location, LocationKind, Part, PartStore, Supplier, SupplierKind
from .documents import (
    Nonconformance,
    POStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    Stocktake,
    StocktakeLine,
    StocktakeStatus,
    Transfer,
    TransferLine,
    TransferStatus,
)
from .ledger import (
    Lot,
    MoveKind,
    RequestStatus,
    Reservation,
    ReservationStatus,
    StockBalance,
    StockMove,
    StockRequest,
)

__all__ = [
    "AttributeClass", "Location", "LocationKind", "Lot", "MoveKind", "Nonconformance",
    "POStatus", "Part", "PartStore", "PurchaseOrder", "PurchaseOrderLine", "RequestStatus",
    "Reservation", "ReservationStatus", "StockBalance", "StockMove", "StockRequest",
    "Stocktake", "StocktakeLine", "StocktakeStatus", "Supplier", "SupplierKind", "Transfer",
    "TransferLine", "TransferStatus",
]
