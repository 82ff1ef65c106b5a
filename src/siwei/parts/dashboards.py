"""Cards on the parts clerk's and manager's home pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from siwei.core.dashboards import Card


def _queue(request) -> dict:
    from .selectors import issue_queue

    rows = issue_queue(store=request.store)
    return {"count": rows.count(), "rows": list(rows[:6])}


def _receiving(request) -> dict:
    from .models import POStatus
    from .selectors import purchase_orders

    rows = purchase_orders(store=request.store).filter(
        status__in=[POStatus.SENT, POStatus.PARTLY_RECEIVED])
    return {"count": rows.count(), "rows": list(rows[:6])}


def _manager(request) -> dict:
    from .models import Nonconformance
    from .selectors.analysis import kpis

    return {"kpis": kpis(store=request.store),
            "nonconformances": list(Nonconformance.objects.for_store(request.store)
                                    .filter(is_resolved=False).select_related("part", "supplier")
                                    [:5])}


PARTS = frozenset({"parts_clerk", "parts_manager"})

CARDS = [
    Card(_("Requests waiting to be issued"), "parts/cards/queue.html", PARTS, _queue, 20),
    Card(_("Goods expected"), "parts/cards/receiving.html", PARTS, _receiving, 30),
    Card(_("Parts key figures"), "parts/cards/kpis.html", frozenset({"parts_manager"}),
         _manager, 10, 12),
]
