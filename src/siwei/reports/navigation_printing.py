"""Menu entries of reports and data: printing."""

NAV: list = []
