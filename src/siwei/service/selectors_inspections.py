"""Reads of the inspection queues of every level (SV-13) with each order's last inspection,
for the API. Levels 2 and 3 are the queues of the foreman's and the final inspection pages
(``selectors_workshop.inspection_queue``); level 1 is the technician's self-check.

Definitions:

- *waiting for the self-check* (level 1): an order in progress with a job a self-check can
  be recorded for now — being worked on (finishing it records the self-check) or finished
  without its self-check — the same jobs ``inspection_record`` accepts at level 1;
- *last inspection*: the order's latest inspection of any level (the highest id).

Two queries whatever the number of orders: the queue (with the id of the last inspection)
and the last inspections of the orders shown.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from .models import Inspection, Job, JobStatus, RepairOrder, ROStatus
from .selectors_workshop import inspection_queue

SELF_CHECK_JOB_STATUSES = (JobStatus.IN_PROGRESS, JobStatus.FINISHED)


def self_check_queue(*, store) -> QuerySet[RepairOrder]:
    """Orders in progress with a job waiting for the technician's self-check (level 1)."""
    waiting = (Job.objects.filter(repair_order=OuterRef("pk"), self_checked=False,
                                  status__in=SELF_CHECK_JOB_STATUSES)
               .exclude(declined=True))
    return (RepairOrder.objects.for_store(store).filter(status=ROStatus.IN_PROGRESS)
            .filter(Exists(waiting))
            .select_related("vehicle", "customer", "advisor__employee")
            .order_by("promised_at", "id"))


def inspection_queue_of_level(*, store, level: int) -> QuerySet[RepairOrder]:
    """The orders waiting for an inspection of ``level`` (1, 2 or 3), oldest promise first,
    each annotated with ``last_inspection_id``."""
    if level == Inspection.Level.SELF:
        orders = self_check_queue(store=store)
    else:
        orders = inspection_queue(store=store, level=level)
    last = Inspection.objects.filter(repair_order=OuterRef("pk")).order_by("-id")
    return orders.annotate(last_inspection_id=Subquery(last.values("id")[:1]))


def with_last_inspection(orders) -> list[RepairOrder]:
    """The orders of ``inspection_queue_of_level`` (a page of them), each with its
    ``last_inspection`` (or None), loaded in one query."""
    orders = list(orders)
    ids = [ro.last_inspection_id for ro in orders if ro.last_inspection_id is not None]
    found = {inspection.pk: inspection for inspection in
             Inspection.objects.filter(pk__in=ids).select_related("inspector__employee")
             } if ids else {}
    for ro in orders:
        ro.last_inspection = found.get(ro.last_inspection_id)
    return orders
