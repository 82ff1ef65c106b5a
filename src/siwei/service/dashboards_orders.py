"""Home cards: the advisor's cars in the workshop by promised time (late ones marked) and
the settled repair orders waiting at the cashier."""

from django.utils.translation import gettext_lazy as _

from siwei.core.dashboards import Card

from .selectors_orders import in_progress_for_advisor, waiting_for_payment


def _in_progress(request) -> dict:
    advisor = request.user if any(
        role.code == "service_advisor" for role in _roles(request)) else None
    return {"orders": in_progress_for_advisor(store=request.store, advisor=advisor)}


def _roles(request):
    from siwei.core.selectors import employee_roles

    return employee_roles(request.user, request.store)


def _to_collect(request) -> dict:
    return {"orders": waiting_for_payment(store=request.store)}


CARDS = [
    Card(_("Cars in the workshop"), "service/orders/cards/in_progress.html",
         frozenset({"service_advisor", "service_manager"}), _in_progress, 20, 6),
    Card(_("Repair orders waiting for payment"), "service/orders/cards/to_collect.html",
         frozenset({"cashier"}), _to_collect, 12, 6),
]
