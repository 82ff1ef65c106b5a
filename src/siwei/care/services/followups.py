"""Follow-up tasks created by the other departments' events (CR-1, CR-2)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from siwei.core.clock import add_months

from ..models import FollowUp, FollowUpChannel, FollowUpKind


def _role_user(store, role_code: str):
    from siwei.core.models import StaffAssignment

    assignment = (StaffAssignment.objects.filter(store=store, role__code=role_code,
                                                 employee__is_active=True)
                  .select_related("employee__user").order_by("id").first())
    return assignment.employee.user if assignment else None


@transaction.atomic
def followups_after_delivery(*, order, vehicle, delivered_at: dt.datetime) -> list[FollowUp]:
    """CR-2: thanks within 24 h, the sales manager's call within 24 h, the consultant's call
    within 7 days, a contact every 2 months in the first year, birthday and anniversary.
    Creating them twice for one delivery creates nothing twice."""
    store, customer = order.store, order.customer
    manager = _role_user(store, "sales_manager")
    plan: list[tuple[str, dt.datetime, object, str, str]] = [
        (FollowUpKind.SALE_THANKS, delivered_at + dt.timedelta(hours=24), order.consultant,
         "", FollowUpChannel.SMS),
        (FollowUpKind.SALE_FIRST_CALL, delivered_at + dt.timedelta(hours=24), manager,
         "sales_manager", FollowUpChannel.PHONE),
        (FollowUpKind.SALE_SECOND_CALL, delivered_at + dt.timedelta(days=7), order.consultant,
         "", FollowUpChannel.PHONE),
    ]
    for months in range(2, 13, 2):
        due = _same_time(delivered_at, add_months(delivered_at.date(), months))
        plan.append((FollowUpKind.SALE_BIMONTHLY, due, order.consultant, "",
                     FollowUpChannel.PHONE))
    plan.append((FollowUpKind.PURCHASE_ANNIVERSARY,
                 _same_time(delivered_at, add_months(delivered_at.date(), 12)),
                 order.consultant, "", FollowUpChannel.PHONE))
    if customer.birthday:
        upcoming = _next_birthday(customer.birthday, delivered_at.date())
        plan.append((FollowUpKind.BIRTHDAY, _same_time(delivered_at, upcoming),
                     order.consultant, "", FollowUpChannel.SMS))
    tasks = []
    for kind, due, assignee, role, channel in plan:
        task, _created = followup_schedule(
            store=store, kind=kind, customer=customer, due_at=due,
            source_type="sales.salesorder", source_id=order.pk, vehicle=vehicle,
            assignee=assignee, assignee_role=role, channel=channel)
        tasks.append(task)
    return tasks


def followup_schedule(*, store, kind: str, customer, due_at: dt.datetime, source_type: str = "",
                      source_id: int | None = None, vehicle=None, assignee=None,
                      assignee_role: str = "",
                      channel: str = FollowUpChannel.PHONE) -> tuple[FollowUp, bool]:
    """Schedule one follow-up task (CR-1); the same kind, source and due time twice creates
    nothing twice. Returns the task and whether it is new."""
    return FollowUp.objects.get_or_create(
        kind=kind, source_type=source_type, source_id=source_id, due_at=due_at,
        defaults={"store": store, "customer": customer, "vehicle": vehicle,
                  "assignee": assignee, "assignee_role": assignee_role, "channel": channel})


def _same_time(at: dt.datetime, day: dt.date) -> dt.datetime:
    return at.replace(year=day.year, month=day.month, day=day.day)


def _next_birthday(birthday: dt.date, after: dt.date) -> dt.date:
    for year in (after.year, after.year + 1):
        try:
            candidate = birthday.replace(year=year)
        except ValueError:  # 29 February in a common year
            candidate = dt.date(year, 2, 28)
        if candidate >= after:
            return candidate
    raise AssertionError("unreachable")
