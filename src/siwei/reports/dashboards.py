"""Home card of the managers (FN-6): this month's KPIs against their targets with the
achievement chart. The store manager and the group admin see every department; the sales,
service and parts managers their own department's rows (the card reads the role the
home page shows)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from siwei.core.dashboards import Card

ROLES = frozenset({"group_admin", "store_manager", "sales_manager", "service_manager",
                   "parts_manager"})


def _role_code(request) -> str | None:
    """The role whose home page is shown: ``?role=`` if the user holds it, else the
    first by rank (as the home page chooses)."""
    from siwei.core.selectors import employee_roles

    roles = [r.code for r in employee_roles(request.user, request.store)]
    wanted = request.GET.get("role")
    return wanted if wanted in roles else (roles[0] if roles else None)


def show(value, kind: str) -> str:
    """A KPI figure as the card shows it."""
    if value is None:
        return "—"
    if kind == "money":
        return f"{Decimal(value):,.2f}"
    if kind == "percent":
        return f"{value}%"
    if kind == "count":
        return f"{value:,}"
    return str(value)


def _kpis(request) -> dict:
    from siwei.core import clock
    from siwei.core.permissions import has_store_perm

    from .kpis.charts import achievement_chart
    from .kpis.definitions import ROLE_DEPARTMENTS
    from .kpis.selectors import kpi_rows
    from .report_catalog import KPI_PERMISSION

    today = clock.today()
    department = ROLE_DEPARTMENTS.get(_role_code(request) or "")
    departments = [department] if department else None
    rows = kpi_rows(store=request.store, start=today.replace(day=1), end=today,
                    departments=departments)
    for row in rows:
        row["actual_text"] = show(row["actual"], row["kpi"].kind)
        row["target_text"] = show(row["target"], row["kpi"].kind)
    return {"rows": rows, "month": today.replace(day=1), "chart": achievement_chart(rows),
            "department": department,
            "on_track": sum(1 for r in rows if r["status"] == "ok"),
            "behind": sum(1 for r in rows if r["status"] == "behind"),
            "can_open": has_store_perm(request.user, request.store, KPI_PERMISSION),
            "can_set": has_store_perm(request.user, request.store, "reports.view_kpitarget")}


CARDS = [
    Card(_("KPIs against targets"), "reports/kpis/card.html", ROLES, _kpis, 12, 12,
         lazy=True),
]
