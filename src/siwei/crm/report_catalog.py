"""Reports of the showroom and the leads in the report catalogue (FN-7): showroom
statistics (CS-9) and the lost-lead analysis (CS-8). Their figures and charts come from
``siwei.sales`` (one sales department); their working pages are the showroom's."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from siwei.core.reporting import Chart, Column, ReportDefinition, ReportQuery, ReportResult, Table
from siwei.sales import reports
from siwei.sales.charts import lost_chart, lost_month_chart, showroom_chart

SHOWROOM_PERMISSION = "crm.view_showroomvisit"
LOST_LEADS_PERMISSION = "crm.view_all_leads"


def _period(query: ReportQuery) -> reports.Period:
    return reports.Period(query.start, query.end)


# --- CS-9 showroom statistics --------------------------------------------------------

_SHOWROOM_FIGURES = (
    Column("walk_ins", _lazy("Walk-ins"), "int"), Column("calls", _lazy("Calls"), "int"),
    Column("first_visits", _lazy("First visits"), "int"),
    Column("first_with_info", _lazy("First visits with info"), "int"),
    Column("info_left_rate", _lazy("Info-left rate %"), "percent"),
    Column("test_drives", _lazy("Test drives"), "int"),
    Column("test_drive_rate", _lazy("Test-drive rate %"), "percent"),
    Column("orders", _lazy("Orders"), "int"),
    Column("conversion_rate", _lazy("Conversion %"), "percent"),
)


def showroom_report(query: ReportQuery) -> ReportResult:
    """The figures of each day of the period and of the whole period."""
    result = reports.showroom_days(store=query.store, period=_period(query))
    totals = result["totals"]
    return ReportResult(
        tables=[Table("days", _("Showroom statistics"),
                      [Column("day", _lazy("Day"), "date"), *_SHOWROOM_FIGURES],
                      result["days"], totals={"day": _("Total"), **totals})],
        charts=[Chart("days", _("Walk-ins, calls and orders per day"),
                      showroom_chart(result["days"]))],
        summary={column.key: totals[column.key] for column in _SHOWROOM_FIGURES},
    )


# --- CS-8 lost-lead analysis ---------------------------------------------------------


def _reason_columns(first_key: str, first_label) -> list[Column]:
    return [Column(first_key, first_label),
            *[Column(code, label, "int") for code, label in reports.LOSS_REASONS],
            Column("total", _lazy("Total"), "int")]


def _matrix_rows(first_key: str, rows: list[dict]) -> list[dict]:
    return [{first_key: str(row["label"]), "total": row["total"],
             **{code: n for (code, _label), n in zip(reports.LOSS_REASONS, row["counts"],
                                                     strict=True)}}
            for row in rows]


def _closed_day(lead):
    return timezone.localtime(lead.closed_at).date() if lead.closed_at else None


def lost_leads_report(query: ReportQuery) -> ReportResult:
    """Lost leads of the period by reason, by model of interest, by consultant and by
    month, and the leads themselves."""
    period = _period(query)
    analysis = reports.lost_lead_analysis(store=query.store, period=period)
    leads = (reports.lost_leads(store=query.store, period=period)
             .select_related("customer", "consultant__employee")
             .prefetch_related("models_of_interest").order_by("-closed_at", "-id"))
    by_reason = {r["code"]: r["n"] for r in analysis["reasons"]}
    return ReportResult(
        tables=[
            Table("reasons", _("By reason"), [Column("reason", _lazy("Reason")),
                                              Column("n", _lazy("Lost leads"), "int")],
                  [{"reason": str(r["label"]), "n": r["n"]} for r in analysis["reasons"]],
                  totals={"reason": _("Total"), "n": analysis["total"]}),
            Table("models", _("By model"), _reason_columns("model", _lazy("Model of interest")),
                  _matrix_rows("model", analysis["models"])),
            Table("consultants", _("By consultant"),
                  _reason_columns("consultant", _lazy("Consultant")),
                  _matrix_rows("consultant", analysis["consultants"])),
            Table("months", _("By month"), _reason_columns("month", _lazy("Month")),
                  _matrix_rows("month", analysis["months"])),
            Table("leads", _("Lost leads"), [
                Column("closed", _lazy("Closed"), "date"), Column("customer", _lazy("Customer")),
                Column("consultant", _lazy("Consultant")), Column("models", _lazy("Models")),
                Column("reason", _lazy("Reason")), Column("detail", _lazy("Details"))],
                [{"closed": _closed_day(lead), "customer": lead.customer.name,
                  "consultant": reports.person_name(lead.consultant),
                  "models": ", ".join(str(m) for m in lead.models_of_interest.all()),
                  "reason": lead.get_loss_reason_display(), "detail": lead.loss_detail}
                 for lead in leads]),
        ],
        charts=[Chart("reasons", _("Share of each reason"), lost_chart(analysis)),
                Chart("months", _("Lost leads per month by reason"),
                      lost_month_chart(analysis))],
        summary={"total": analysis["total"], **by_reason},
    )


REPORTS = [
    ReportDefinition(
        key="showroom-statistics", title=_lazy("Showroom statistics"), department="sales",
        permission=SHOWROOM_PERMISSION, build=showroom_report, page="crm:showroom-stats",
        description=_lazy("CS-9: walk-ins, calls, first visits, info-left rate, test-drive "
                          "rate and visit-to-order conversion per day."),
        summary_columns=_SHOWROOM_FIGURES, order=110),
    ReportDefinition(
        key="lost-leads", title=_lazy("Lost-lead analysis"), department="sales",
        permission=LOST_LEADS_PERMISSION, build=lost_leads_report, page="crm:lost-analysis",
        description=_lazy("CS-8: leads lost in the period by reason, model of interest, "
                          "consultant and month."),
        summary_columns=(Column("total", _lazy("Lost leads"), "int"),
                         *(Column(code, label, "int") for code, label in reports.LOSS_REASONS)),
        order=120),
]
