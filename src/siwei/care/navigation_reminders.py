"""Menu entries of customer care: reminders."""

NAV: list = []
