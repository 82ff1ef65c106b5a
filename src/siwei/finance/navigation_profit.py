"""Menu entries of finance: profit."""

NAV: list = []
