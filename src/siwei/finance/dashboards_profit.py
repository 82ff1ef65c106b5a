"""Home-page cards of finance: profit."""

CARDS: list = []
