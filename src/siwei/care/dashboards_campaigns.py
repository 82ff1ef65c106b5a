"""Home-page cards of customer care: campaigns (upcoming ones and the last one's results).
The card's body loads with htmx after the page (``care:campaigns-card``), so the home page
spends no query on it."""

from django.utils.translation import gettext_lazy as _

from siwei.core.dashboards import Card

CARDS: list = [
    Card(_("Campaigns"), "care/campaigns/cards/campaigns.html",
         frozenset({"customer_service", "store_manager"}), lambda request: {}, 75, 4),
]
