"""Home-page cards of finance: invoices."""

CARDS: list = []
