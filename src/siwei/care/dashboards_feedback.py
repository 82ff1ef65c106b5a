"""Home-page cards of customer care: feedback."""

CARDS: list = []
