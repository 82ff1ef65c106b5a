"""Menu entries of finance: cashier."""

NAV: list = []
