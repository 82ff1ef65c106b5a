"""Menu entries of finance: receivables."""

NAV: list = []
