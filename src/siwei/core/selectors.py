"""Read queries of the core app."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import AuditEvent, Employee, Role, StaffAssignment, Store
from .scoping import user_store_ids


def employee_roles(user, store: Store) -> list[Role]:
    """The user's roles in ``store`` (group-scoped roles included), by display order."""
    cache = user.__dict__.setdefault("_siwei_roles", {})
    if store.pk not in cache:
        cache[store.pk] = list(
            Role.objects.filter(
                Q(assignments__store=store)
                | Q(
                    assignments__store__isnull=True,
                    assignments__employee__group_id=store.group_id,
                ),
                assignments__employee__user=user,
                assignments__employee__is_active=True,
            )
            .distinct()
            .order_by("rank")
        )
    return cache[store.pk]


def employee_list(*, store: Store) -> QuerySet[Employee]:
    """Staff who work in ``store``, with their assignments."""
    return (
        Employee.objects.filter(
            Q(assignments__store=store)
            | Q(assignments__store__isnull=True, group_id=store.group_id)
        )
        .distinct()
        .select_related("user", "default_store")
        .prefetch_related("assignments__role", "assignments__store")
        .order_by("name")
    )


def assignments_in_store(*, employee: Employee, store: Store) -> QuerySet[StaffAssignment]:
    return employee.assignments.filter(Q(store=store) | Q(store__isnull=True)).select_related(
        "role"
    )


def audit_events(*, user, store: Store | None = None, object_type: str = "") -> QuerySet:
    events = AuditEvent.objects.filter(store_id__in=user_store_ids(user)).select_related(
        "actor__employee", "store"
    )
    if store is not None:
        events = events.filter(store=store)
    if object_type:
        events = events.filter(object_type=object_type)
    return events.order_by("-at", "-id")
