"""Home-page cards of customer care: reminders."""

from django.utils.translation import gettext_lazy as _

from siwei.core import clock
from siwei.core.dashboards import Card


def _due_this_week(request) -> dict:
    from .selectors_reminders import reminders_due_by_kind, week_bounds

    start, end = week_bounds(clock.today())
    return {"rows": reminders_due_by_kind(store=request.store, start=start, end=end),
            "start": start, "end": end}


CARDS: list = [
    Card(_("Reminders due this week"), "care/reminders/card_due.html",
         frozenset({"customer_service", "service_manager"}), _due_this_week, 120, 6),
]
