"""Home-page cards of finance: cashier."""

CARDS: list = []
