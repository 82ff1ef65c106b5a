"""Menu entries of customer care: classification."""

NAV: list = []
