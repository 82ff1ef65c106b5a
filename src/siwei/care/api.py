"""API of customer care: each area registers its resources."""

from . import api_campaigns, api_classification, api_feedback, api_followups, api_reminders


def register(router) -> None:
    for module in (api_followups, api_feedback, api_classification, api_reminders,
                   api_campaigns):
        module.register(router)
