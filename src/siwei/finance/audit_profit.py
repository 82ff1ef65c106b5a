"""Audit labels of finance: profit."""

ACTION_LABELS: dict = {}
