"""The follow-up section of the customer card (CS-5): the tasks and the survey scores."""

from django.utils.translation import gettext_lazy as _

from .models import SurveyResponse


def sections(request, customer) -> list[dict]:
    tasks = list(customer.follow_ups.filter(store=request.store).select_related(
        "assignee__employee").order_by("-due_at")[:30])
    responses = list(SurveyResponse.objects.for_store(request.store).filter(customer=customer)
                     .select_related("follow_up").order_by("-answered_at")[:10])
    return [{"key": "follow-ups", "order": 30, "title": _("Follow-ups"),
             "template": "care/card_follow_ups.html", "rows": tasks, "responses": responses}]
