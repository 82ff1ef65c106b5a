"""The feedback section of the customer card (CS-5)."""


def sections(request, customer) -> list[dict]:
    return []
