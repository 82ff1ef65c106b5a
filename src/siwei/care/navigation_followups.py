"""Menu entries of customer care: followups."""

NAV: list = []
