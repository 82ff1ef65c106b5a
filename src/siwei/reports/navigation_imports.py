"""Menu entries of reports and data: imports."""

NAV: list = []
