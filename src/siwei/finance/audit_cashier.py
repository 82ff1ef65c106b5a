"""Audit labels of finance: cashier."""

ACTION_LABELS: dict = {}
