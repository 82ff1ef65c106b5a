"""Home-page cards of the warranty area: claims for the warranty clerk, cases waiting for
the chief inspector, instruments and tools for the service manager."""

from django.utils.translation import gettext_lazy as _

from siwei.core import clock
from siwei.core.dashboards import Card


def _claims(request) -> dict:
    from . import selectors_warranty as selectors
    from .models import ClaimStatus

    today = clock.today()
    return {"counts": selectors.claim_counts(store=request.store),
            "statuses": ClaimStatus.choices,
            "awaiting": selectors.ros_awaiting_claim(store=request.store).count(),
            "kpis": selectors.claim_kpis(store=request.store, start=today.replace(day=1),
                                         end=today)}


def _knowledge(request) -> dict:
    from . import selectors_warranty as selectors

    return {"entries": list(selectors.knowledge_waiting(group=request.store.group)[:8])}


def _equipment(request) -> dict:
    from . import selectors_warranty as selectors

    today = clock.today()
    return {"attention": [(e, e.calibration_state(today)) for e in
                          selectors.instruments_attention(store=request.store, on=today)[:8]],
            "overdue": list(selectors.overdue_loans(store=request.store)[:8])}


CARDS = [
    Card(_("Warranty claims"), "service/warranty/cards/claims.html",
         frozenset({"warranty_clerk", "service_manager"}), _claims, 40, 4),
    Card(_("Cases waiting for approval"), "service/warranty/cards/knowledge.html",
         frozenset({"qc_inspector", "service_manager"}), _knowledge, 60, 4),
    Card(_("Instruments and tools"), "service/warranty/cards/equipment.html",
         frozenset({"service_manager", "foreman"}), _equipment, 70, 4),
]
