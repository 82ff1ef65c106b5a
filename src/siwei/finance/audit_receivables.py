"""Audit labels of finance: receivables."""

ACTION_LABELS: dict = {}
