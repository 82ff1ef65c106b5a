"""Reads of the follow-up tasks (CR-1): my calls, overdue lists, the filterable list."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from siwei.core import clock
from siwei.core.permissions import has_store_perm
from siwei.core.roles import ROLE_LABELS

from .models import FollowUp, FollowUpStatus
from .services.followups import SUPERVISE, followup_role_codes


def _end_of_today() -> dt.datetime:
    local = clock.localnow()
    return (local + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


def tasks_for(store) -> QuerySet[FollowUp]:
    return (FollowUp.objects.for_store(store)
            .select_related("customer", "vehicle__model", "assignee__employee"))


def mine_q(user, store) -> Q:
    """Tasks assigned to the user, or unassigned in a queue of a role they hold here."""
    roles = followup_role_codes(user, store)
    return Q(assignee=user) | Q(assignee__isnull=True, assignee_role__in=roles)


def my_calls(*, user, store) -> QuerySet[FollowUp]:
    """The user's pending tasks due today or overdue, oldest first."""
    return (tasks_for(store).filter(mine_q(user, store), status=FollowUpStatus.PENDING,
                                    due_at__lt=_end_of_today())
            .order_by("due_at", "id"))


def my_calls_counts(*, user, store) -> dict[str, int]:
    """How many of the user's calls are due later today and how many are overdue."""
    now = clock.now()
    counts = (FollowUp.objects.for_store(store)
              .filter(mine_q(user, store), status=FollowUpStatus.PENDING,
                      due_at__lt=_end_of_today())
              .aggregate(overdue=Count("id", filter=Q(due_at__lt=now)),
                         due=Count("id", filter=Q(due_at__gte=now))))
    return {"overdue": counts["overdue"] or 0, "due": counts["due"] or 0}


def visible_tasks(*, user, store) -> QuerySet[FollowUp]:
    """Every task of the store for a supervisor; the tasks one may work otherwise."""
    tasks = tasks_for(store)
    if has_store_perm(user, store, SUPERVISE):
        return tasks
    roles = followup_role_codes(user, store)
    return tasks.filter(Q(assignee=user) | Q(assignee_role__in=roles))


def task_list(*, user, store, kind: str = "", status: str = "", assignee: int | None = None,
              start: dt.date | None = None, end: dt.date | None = None,
              overdue: bool = False) -> QuerySet[FollowUp]:
    """The filterable list: kind, status, assignee (user id), due date in [start, end]."""
    tasks = visible_tasks(user=user, store=store)
    if kind:
        tasks = tasks.filter(kind=kind)
    if status:
        tasks = tasks.filter(status=status)
    if assignee:
        tasks = tasks.filter(assignee_id=assignee)
    if start:
        tasks = tasks.filter(due_at__gte=_day_start(start))
    if end:
        tasks = tasks.filter(due_at__lt=_day_start(end + dt.timedelta(days=1)))
    if overdue:
        tasks = tasks.filter(status=FollowUpStatus.PENDING, due_at__lt=clock.now())
    return tasks.order_by("due_at", "id")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def overdue_tasks(*, store) -> QuerySet[FollowUp]:
    return tasks_for(store).filter(status=FollowUpStatus.PENDING,
                                   due_at__lt=clock.now()).order_by("due_at", "id")


def queue_label(task_or_row) -> str:
    """The assignee's name, or the role queue's name."""
    if isinstance(task_or_row, dict):
        name, role = task_or_row.get("assignee__employee__name"), task_or_row["assignee_role"]
    else:
        employee = getattr(task_or_row.assignee, "employee", None) if \
            task_or_row.assignee_id else None
        name, role = (employee.name if employee else None), task_or_row.assignee_role
    if name:
        return name
    return str(ROLE_LABELS.get(role, role)) if role else "—"


def overdue_grouped(*, store) -> list[dict]:
    """The store's overdue tasks grouped by assignee (or role queue), the largest first."""
    groups: OrderedDict[tuple, dict] = OrderedDict()
    for task in overdue_tasks(store=store):
        key = (task.assignee_id, "" if task.assignee_id else task.assignee_role)
        groups.setdefault(key, {"label": queue_label(task), "tasks": []})["tasks"].append(task)
    return sorted(groups.values(), key=lambda g: -len(g["tasks"]))


def overdue_counts(*, store) -> list[dict]:
    """Overdue tasks per assignee or role queue: [{"label", "count"}], the largest first."""
    rows = (FollowUp.objects.for_store(store)
            .filter(status=FollowUpStatus.PENDING, due_at__lt=clock.now())
            .values("assignee_id", "assignee__employee__name", "assignee_role")
            .annotate(n=Count("id")).order_by("-n"))
    return [{"label": queue_label(r), "count": r["n"]} for r in rows]


def store_staff(store):
    """Active people of the store (for the reassign and filter choices)."""
    from django.contrib.auth import get_user_model

    return (get_user_model().objects.filter(is_active=True, employee__is_active=True)
            .filter(Q(employee__assignments__store=store)
                    | Q(employee__assignments__store__isnull=True,
                        employee__group_id=store.group_id))
            .select_related("employee").distinct().order_by("employee__name"))
