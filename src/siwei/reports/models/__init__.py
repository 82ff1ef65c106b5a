"""Models of reports and data, one module per area (add a line per area)."""

from .exports import EXPORT_FLOW, ExportStatus, StoreExport
from .imports import ImportJob, ImportKind, ImportMode, ImportStatus
from .kpis import KpiTarget

__all__ = ["ImportJob", "ImportKind", "ImportMode", "ImportStatus"]
__all__ += ["EXPORT_FLOW", "ExportStatus", "StoreExport"]
__all__ += ["KpiTarget"]
