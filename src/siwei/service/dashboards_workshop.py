"""Home cards of the workshop: the foreman's board summary, the technician's current job
and the QC inspector's queue (SV-10, SV-13)."""

from django.utils.translation import gettext_lazy as _

from siwei.core.dashboards import Card


def _board(request) -> dict:
    from .selectors_workshop import inspection_queue, workshop_board

    board = workshop_board(store=request.store)
    return {"board": board, "foreman_queue": inspection_queue(store=request.store,
                                                              level=2).count()}


def _current_job(request) -> dict:
    from .selectors_workshop import technician_jobs

    jobs = technician_jobs(store=request.store, technician=request.user)
    current = next((j for j in jobs if j.running_since), None)
    waiting = [j for j in jobs if j.job.status in ("assigned", "paused")]
    return {"current": current, "next": waiting[0] if waiting else None,
            "waiting": len(waiting)}


def _qc_queue(request) -> dict:
    from .selectors_workshop import inspection_queue

    queue = inspection_queue(store=request.store, level=3)
    return {"orders": list(queue[:8]), "count": queue.count()}


CARDS = [
    Card(_("Workshop board"), "service/workshop/cards/board.html",
         frozenset({"foreman", "service_manager"}), _board, 20, 6),
    Card(_("My current job"), "service/workshop/cards/current_job.html",
         frozenset({"technician"}), _current_job, 10, 6),
    Card(_("Final inspection queue"), "service/workshop/cards/qc_queue.html",
         frozenset({"qc_inspector"}), _qc_queue, 10, 6),
]
