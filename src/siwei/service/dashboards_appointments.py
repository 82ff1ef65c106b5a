"""Home-page cards: the SA's appointments today and next; the day's capacity for the
service manager."""

from django.utils.translation import gettext_lazy as _

from siwei.core import clock
from siwei.core.dashboards import Card


def _today(request) -> dict:
    from . import selectors_appointments as selectors
    from .views_appointments import ro_url

    rows = list(selectors.on_day(selectors.appointments_for(store=request.store),
                                 clock.today()).filter(advisor=request.user).order_by("start"))
    for row in rows:
        row.ro_url = ro_url(row.ro_id)
    return {"appointments": rows, "today": clock.today()}


def _next(request) -> dict:
    import datetime as dt

    from . import selectors_appointments as selectors
    from .services.appointments import day_bounds

    tomorrow, _end = day_bounds(clock.today() + dt.timedelta(days=1))
    return {"appointments": selectors.upcoming(store=request.store, advisor=request.user,
                                               after=tomorrow, limit=8)}


def _capacity(request) -> dict:
    from . import selectors_appointments as selectors

    return {"c": selectors.today_capacity(store=request.store),
            "week": selectors.capacity_week(store=request.store, start=clock.today())}


CARDS = [
    Card(_("My appointments today"), "service/appointments/cards/today.html",
         frozenset({"service_advisor"}), _today, 20, 8),
    Card(_("My next appointments"), "service/appointments/cards/next.html",
         frozenset({"service_advisor"}), _next, 21, 4),
    Card(_("Workshop capacity today"), "service/appointments/cards/capacity.html",
         frozenset({"service_manager", "foreman", "store_manager"}), _capacity, 20, 6),
]
