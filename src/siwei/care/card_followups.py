"""The follow-up section of the customer card (CS-5)."""

from django.utils.translation import gettext_lazy as _


def sections(request, customer) -> list[dict]:
    tasks = list(customer.follow_ups.filter(store=request.store).select_related(
        "assignee__employee").order_by("due_at")[:30])
    return [{"key": "follow-ups", "order": 30, "title": _("Follow-ups"),
             "template": "care/card_follow_ups.html", "rows": tasks}]
