"""Parts analysis page (PT-13 … PT-17): KPIs, ABC, aging, reorder suggestions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siwei.core.exports import xlsx_response
from siwei.core.permissions import has_store_perm
from siwei.core.views import require_store_perm

from . import services
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


def _charts(summary, buckets, months) -> dict:
    abc = {"tooltip": {"trigger": "item"}, "legend": {"bottom": 0},
           "series": [{"type": "pie", "radius": ["40%", "70%"], "data": [
               {"name": f"{cls} ({summary[cls]['parts']})", "value": float(summary[cls]["value"])}
               for cls in "ABC"]}]}
    names = [str(_("0–3 months")), str(_("3–7 months")), str(_("Slow (7–12 months)")),
             str(_("Obsolete (12+ months)"))]
    age = {"tooltip": {}, "grid": {"left": 80, "right": 20, "bottom": 30},
           "xAxis": {"type": "category", "data": names,
                     "axisLabel": {"interval": 0, "fontSize": 10, "rotate": 15}},
           "yAxis": {"type": "value"},
           "series": [{"type": "bar", "data": [float(buckets[k]) for k in
                                               ("0-3", "3-7", "slow", "obsolete")]}]}
    trend = {"tooltip": {"trigger": "axis"}, "grid": {"left": 80, "right": 20, "bottom": 30},
             "xAxis": {"type": "category", "data": [f"{d:%Y-%m}" for d, _v in months]},
             "yAxis": {"type": "value"},
             "series": [{"type": "line", "smooth": True, "name": str(_("Issue cost")),
                         "data": [float(v) for _d, v in months]}]}
    return {"abc": abc, "aging": age, "trend": trend}


@require_store_perm("parts.view_parts_analysis")
def analysis(request: HttpRequest) -> HttpResponse:
    store = request.store
    rows = abc_classes(store=store)
    summary = abc_summary(rows)
    ages = aging(store=store)
    plan = plan_of(store=store, only_suggested=True)
    if wants_xlsx(request):
        parts = Part.objects.in_bulk([r["part_id"] for r in rows])
        return xlsx_response("parts-analysis", [
            (_("Reorder suggestions"), [_("Part number"), _("Part name"), _("MAD"),
                                        _("Safety stock"), _("On hand"), _("Reserved"),
                                        _("On order"),
                                        _("Suggested quantity"), _("Supplier")],
             ([r.part.number, r.part.name, r.mad, r.ssq, r.on_hand, r.reserved, r.on_order,
               r.suggested, str(r.part.default_supplier or "")] for r in plan)),
            (_("ABC"), [_("Part number"), _("Part name"), _("Consumption value"),
                        _("Cumulative share %"), _("ABC class")],
             ([parts[r["part_id"]].number, parts[r["part_id"]].name, r["value"],
               r["cumulative_share"], r["abc"]] for r in rows)),
        ])
    dead_parts = Part.objects.in_bulk([d["part_id"] for d in ages["dead"][:20]])
    dead = [{**d, "part": dead_parts[d["part_id"]]} for d in ages["dead"][:20]]
    return render(request, "parts/analysis.html", {
        "kpis": kpis(store=store), "summary": summary, "plan": plan[:100],
        "plan_count": len(plan), "dead": dead, "dead_count": len(ages["dead"]),
        "charts": _charts(summary, ages["buckets"], monthly_issue_value(store=store)),
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
