"""Audit labels of reports and data: each area's ``audit_<area>.py`` (when present)
adds its ACTION_LABELS."""

from importlib import import_module

ACTION_LABELS: dict = {}
for _area in ("catalog", "printing", "imports", "exports", "kpis"):
    try:
        _module = import_module(f"siwei.reports.audit_{_area}")
    except ModuleNotFoundError as exc:
        if exc.name != f"siwei.reports.audit_{_area}":
            raise
        continue
    ACTION_LABELS.update(getattr(_module, "ACTION_LABELS", {}))
