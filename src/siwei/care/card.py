"""Customer care's sections of the customer card (CS-5), one module per area."""

from . import card_feedback, card_followups


def sections(request, customer) -> list[dict]:
    return [*card_followups.sections(request, customer), *card_feedback.sections(request, customer)]
