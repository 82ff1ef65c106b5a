"""Home-page cards of customer care, one list per area."""

from . import (
               dashboards_campaigns,
               dashboards_classification,
               dashboards_feedback,
               dashboards_followups,
               dashboards_reminders,
)

CARDS = [card for module in (dashboards_followups, dashboards_feedback, dashboards_classification,
                             dashboards_reminders, dashboards_campaigns) for card in module.CARDS]
