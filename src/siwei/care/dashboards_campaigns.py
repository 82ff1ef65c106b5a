"""Home-page cards of customer care: campaigns."""

CARDS: list = []
