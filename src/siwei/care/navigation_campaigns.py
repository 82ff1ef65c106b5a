"""Menu entries of customer care: campaigns."""

NAV: list = []
