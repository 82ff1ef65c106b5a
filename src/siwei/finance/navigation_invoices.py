"""Menu entries of finance: invoices."""

NAV: list = []
