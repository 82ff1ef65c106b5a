"""Home-page cards of finance: receivables."""

CARDS: list = []
