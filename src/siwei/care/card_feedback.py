"""The feedback section of the customer card (CS-5): the customer's complaints, praise,
suggestions and inquiries in this store."""

from django.utils.translation import gettext_lazy as _

from siwei.core.permissions import has_store_perm


def sections(request, customer) -> list[dict]:
    if not has_store_perm(request.user, request.store, "care.view_feedback"):
        return []
    rows = list(customer.feedback.filter(store=request.store).order_by("-received_at")[:20])
    return [{"key": "feedback", "order": 35, "title": _("Complaints and feedback"),
             "template": "care/feedback/customer.html", "rows": rows}]
