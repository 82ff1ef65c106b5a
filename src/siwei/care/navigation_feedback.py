"""Menu entries of customer care: feedback."""

NAV: list = []
