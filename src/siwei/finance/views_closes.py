"""Pages of the daily close (日结, FN-2): close my day, the list of closes for finance
and managers (differences highlighted, .xlsx), review."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siwei.core import clock
from siwei.core.errors import DomainError
from siwei.core.exports import xlsx_response
from siwei.core.once import run_once
from siwei.core.paging import paginate
from siwei.core.periods import period_from_request
from siwei.core.permissions import has_store_perm
from siwei.core.views import refusal_message, require_store_perm
from siwei.crm.views import form_errors

from . import selectors_cashier as selectors
from .forms_cashier import DailyCloseForm
from .models import DailyClose, DailyCloseStatus, PaymentMethod
from .services import daily_close, daily_close_review


def _day(request) -> dt.date:
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return clock.today()
    return min(day, clock.today())


@require_store_perm("finance.add_dailyclose")
def close_my_day(request: HttpRequest) -> HttpResponse:
    """The cashier counts the drawer and closes the day; the expected amount per method
    comes from the day's payments."""
    store, day = request.store, _day(request)
    form = DailyCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run_once(request, token=data["token"], scope="close", action=lambda: daily_close(
                actor=request.user, store=store, cashier=request.user, day=day,
                counted_cash=data["counted_cash"], reason=data["reason"]).pk)
        except (DomainError, ValidationError) as exc:
            form_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, refusal_message(exc))
        else:
            messages.success(request, _("%s is closed.") % day.isoformat())
            return redirect(f"{request.path}?day={day.isoformat()}")
    recent = selectors.daily_closes(store=store, cashier_id=request.user.pk)[:10]
    return render(request, "finance/cashier/close_day.html", {
        "form": form, "info": selectors.cashier_day(store=store, cashier=request.user, day=day),
        "day": day, "recent": recent, "today": clock.today(),
        "previous": day - dt.timedelta(days=1)})


@require_store_perm("finance.view_dailyclose")
def close_list(request: HttpRequest) -> HttpResponse:
    """Daily closes of the store for a period; differences first in red."""
    start, end = period_from_request(request)
    cashier = request.GET.get("cashier", "")
    differences = request.GET.get("differences") == "1"
    closes = selectors.daily_closes(store=request.store, start=start, end=end,
                                    cashier_id=int(cashier) if cashier.isdigit() else None,
                                    differences_only=differences)
    methods = PaymentMethod.choices
    if request.GET.get("format") == "xlsx":
        rows = ([c.day, c.cashier.employee.name, *[c.totals.get(code, "0.00")
                                                     for code, _label in methods],
                 c.total, c.expected_cash, c.counted_cash, c.difference, c.reason,
                 c.get_status_display(), timezone.localtime(c.closed_at).replace(tzinfo=None),
                 c.closed_by.employee.name] for c in closes)
        return xlsx_response(f"daily-closes-{start}-{end}", [(_("Daily closes"), [
            _("Business day"), _("Cashier"), *[str(label) for _code, label in methods],
            _("Total"), _("Expected cash"), _("Counted cash"), _("Difference"), _("Reason"),
            _("Status"), _("Closed at"), _("Closed by")], rows)])
    from .models import Payment

    cashiers = (Payment.objects.for_store(request.store).values_list(
        "cashier_id", "cashier__employee__name").distinct().order_by("cashier__employee__name"))
    return render(request, "finance/cashier/close_list.html", {
        "page": paginate(request, closes), "start": start, "end": end, "cashier": cashier,
        "differences": differences, "methods": methods, "cashiers": list(cashiers),
        "statuses": DailyCloseStatus.choices,
        "can_review": has_store_perm(request.user, request.store,
                                     "finance.review_dailyclose")})


@require_POST
@require_store_perm("finance.review_dailyclose")
def close_review(request: HttpRequest, pk: int) -> HttpResponse:
    close = DailyClose.objects.for_store(request.store).filter(pk=pk).first()
    if close is None:
        raise Http404
    try:
        daily_close_review(actor=request.user, close=close, note=request.POST.get("note", ""))
    except (DomainError, ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal_message(exc))
    else:
        messages.success(request, _("Reviewed."))
    return redirect("finance:daily-closes")
