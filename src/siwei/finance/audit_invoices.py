"""Audit labels of finance: invoices."""

ACTION_LABELS: dict = {}
