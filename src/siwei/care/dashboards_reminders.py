"""Home-page cards of customer care: reminders."""

CARDS: list = []
