"""Home-page cards of customer care: followups."""

CARDS: list = []
