"""Menu entries of reports and data: exports."""

NAV: list = []
