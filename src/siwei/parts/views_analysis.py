"""Parts analysis page (PT-13 … PT-17): KPIs, ABC, aging, reorder suggestions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siwei.core import clock
from siwei.core.permissions import has_store_perm
from siwei.core.reporting import download_redirect
from siwei.core.views import require_store_perm

from . import services
from .charts import abc_chart, aging_chart, issue_trend_chart
from .models import Part
from .selectors.analysis import abc_classes, abc_summary, aging, kpis, monthly_issue_value
from .selectors.analysis import replenishment_plan as plan_of
from .views import wants_xlsx

RULE_LABELS = {
    "stocked": _("Stocked"),
    "central": _("Central warehouse"),
    "not_stocked": _("Not stocked (class C)"),
    "no_stock": _("Supplied at once"),
}


@require_store_perm("parts.view_parts_analysis")
def analysis(request: HttpRequest) -> HttpResponse:
    """The analysis at today's stock; the Excel download is the report catalogue's."""
    store = request.store
    if wants_xlsx(request):
        today = clock.today()
        return download_redirect("parts-analysis", store=store, start=today, end=today)
    summary = abc_summary(abc_classes(store=store))
    ages = aging(store=store)
    plan = plan_of(store=store, only_suggested=True)
    dead_parts = Part.objects.in_bulk([d["part_id"] for d in ages["dead"][:20]])
    dead = [{**d, "part": dead_parts[d["part_id"]]} for d in ages["dead"][:20]]
    return render(request, "parts/analysis.html", {
        "kpis": kpis(store=store), "summary": summary, "plan": plan[:100],
        "plan_count": len(plan), "dead": dead, "dead_count": len(ages["dead"]),
        "charts": {"abc": abc_chart(summary), "aging": aging_chart(ages["buckets"]),
                   "trend": issue_trend_chart(monthly_issue_value(store=store))},
        "can_order": has_store_perm(request.user, store, "parts.manage_purchasing"),
        "rules": RULE_LABELS})


@require_POST
@require_store_perm("parts.manage_purchasing")
def order_suggestions(request: HttpRequest) -> HttpResponse:
    """PT-16: turn every suggestion into draft POs, one per supplier, in one step."""
    plan = plan_of(store=request.store, only_suggested=True)
    orders = services.purchase_orders_from_suggestions(
        actor=request.user, store=request.store,
        suggestions=[(row.part, row.suggested) for row in plan])
    messages.success(request, _("%(n)s draft purchase orders created.") % {"n": len(orders)})
    return redirect("parts:po-list")


@require_POST
@require_store_perm("parts.view_parts_analysis")
def classify(request: HttpRequest) -> HttpResponse:
    counts = services.abc_classify(actor=request.user, store=request.store)
    messages.success(request, _("ABC classes updated: A %(A)s, B %(B)s, C %(C)s.") % counts)
    return redirect("parts:analysis")
