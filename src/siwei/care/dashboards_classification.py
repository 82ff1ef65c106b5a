"""Home-page cards of customer care: classification."""

CARDS: list = []
