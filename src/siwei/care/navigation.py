"""Menu entries of customer care, one list per area."""

from . import (
               navigation_campaigns,
               navigation_classification,
               navigation_feedback,
               navigation_followups,
               navigation_reminders,
)

NAV = [item for module in (navigation_followups, navigation_feedback, navigation_classification,
                           navigation_reminders, navigation_campaigns) for item in module.NAV]
