"""Reports of customer care in the report catalogue (FN-7): survey results (CR-4) and the
complaint analysis (CR-9)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from siwei.core.reporting import Chart, Column, ReportDefinition, ReportQuery, ReportResult, Table

from .charts import feedback_sla_chart, feedback_volume_chart, share_pie, survey_chart
from .models import FeedbackKind
from .selectors_feedback import feedback_analysis
from .selectors_surveys import survey_results

SURVEY_PERMISSION = "care.view_surveyresponse"
ANALYSIS_PERMISSION = "care.analyse_feedback"


def _survey_columns(first) -> list[Column]:
    return [Column("name", first), Column("responses", _lazy("Responses"), "int"),
            Column("csi", "CSI", "decimal"), Column("nps", "NPS", "decimal"),
            Column("nps_answers", _lazy("NPS answers"), "int"),
            Column("promoters", _lazy("Promoters"), "int"),
            Column("detractors", _lazy("Detractors"), "int")]


def _survey_row(bucket, loyalty_keys: list[str] | None = None) -> dict:
    row = {"name": bucket.label, "responses": bucket.n, "csi": bucket.csi, "nps": bucket.nps,
           "nps_answers": len(bucket.nps_scores), "promoters": bucket.promoters,
           "detractors": bucket.detractors}
    for key, value in zip(loyalty_keys or [], bucket.loyalty_values, strict=False):
        row[key] = value
    return row


def survey_report(query: ReportQuery) -> ReportResult:
    result = survey_results(store=query.store, stores=[query.store], start=query.start,
                            end=query.end)
    loyalty = [(f"loyalty_{code}", label) for code, label in result["loyalty_measures"]]
    loyalty_keys = [key for key, _label in loyalty]
    store_columns = [*_survey_columns(_lazy("Store")),
                     *[Column(key, label, "percent") for key, label in loyalty]]
    total = result["total"]
    return ReportResult(
        tables=[
            Table("store", _("Store and loyalty items"), store_columns,
                  [_survey_row(total, loyalty_keys)]),
            Table("months", _("Months"), _survey_columns(_lazy("Month")),
                  [_survey_row(m) for m in result["monthly"][query.store.pk]]),
            Table("advisors", _("Service advisors"), _survey_columns(_lazy("Service advisor")),
                  [_survey_row(b) for b in result["advisors"]]),
            Table("consultants", _("Sales consultants"),
                  _survey_columns(_lazy("Sales consultant")),
                  [_survey_row(b) for b in result["consultants"]]),
            Table("technicians", _("Technicians"), _survey_columns(_lazy("Technician")),
                  [_survey_row(b) for b in result["technicians"]]),
        ],
        charts=[Chart("months", _("CSI and NPS per month"),
                      survey_chart(result, _("CSI"), _("NPS")))],
        summary={"responses": total.n, "csi": total.csi, "nps": total.nps},
    )


def _volume_rows(report) -> list[dict]:
    return [{"by": str(title), "value": r["label"], "n": r["n"]} for title, key in (
        (_("Type"), "by_kind"), (_("Category"), "by_category"),
        (_("Department"), "by_department"), (_("Staff"), "by_staff"),
        (_("Model"), "by_model"), (_("Status"), "by_status")) for r in report[key]]


def _sla_rows(report) -> list[dict]:
    sla = report["sla"]
    return [{"measure": str(label), "value": value} for label, value in (
        (_("Complaints"), sla["complaints"]),
        (_("Acknowledged in time"), sla["ack_met"]),
        (_("Acknowledge deadlines due"), sla["ack_known"]),
        (_("Acknowledged in time %"), sla["ack_rate"]),
        (_("Resolved in time"), sla["resolve_met"]),
        (_("Resolve deadlines due"), sla["resolve_known"]),
        (_("Resolved in time %"), sla["resolve_rate"]),
        (_("Average hours to acknowledge"), sla["hours_to_acknowledge"]),
        (_("Average hours to resolve"), sla["hours_to_resolve"]),
        (_("Reopened complaints"), report["reopened"]),
        (_("Compensation"), report["compensation"]))]


def _owner(user) -> str:
    employee = getattr(user, "employee", None) if user else None
    return employee.name if employee else (user.get_username() if user else "")


def complaint_report(query: ReportQuery) -> ReportResult:
    report = feedback_analysis(store=query.store, start=query.start, end=query.end)
    sla = report["sla"]
    kinds = list(FeedbackKind.choices)
    trend_columns = [Column("month", _lazy("Month")), Column("total", _lazy("Total"), "int"),
                     *[Column(value, label, "int") for value, label in kinds],
                     Column("ack_rate", _lazy("Acknowledged in time %"), "percent"),
                     Column("resolve_rate", _lazy("Resolved in time %"), "percent")]
    return ReportResult(
        tables=[
            Table("volume", _("Volume"), [Column("by", _lazy("By")),
                                          Column("value", _lazy("Value")),
                                          Column("n", _lazy("Count"), "int")],
                  _volume_rows(report)),
            Table("sla", _("SLA"), [Column("measure", _lazy("Measure")),
                                    Column("value", _lazy("Value"), "decimal")],
                  _sla_rows(report)),
            Table("repeat", _("Repeat complaints"), [
                Column("customer", _lazy("Customer")),
                Column("n", _lazy("Complaints (with 90 days before)"), "int"),
                Column("in_period", _lazy("In the period"), "int"),
                Column("numbers", _lazy("Numbers"))],
                [{"customer": r["customer"].name, "n": r["n"], "in_period": r["in_period"],
                  "numbers": ", ".join(r["numbers"])} for r in report["repeat"]]),
            Table("root_causes", _("Root causes"), [
                Column("number", _lazy("Number")), Column("category", _lazy("Category")),
                Column("subject", _lazy("Subject")), Column("root_cause", _lazy("Root cause"))],
                [{"number": f.number, "category": f.get_category_display(),
                  "subject": f.subject, "root_cause": f.root_cause}
                 for f in report["root_causes"]]),
            Table("actions", _("Actions"), [
                Column("feedback", _lazy("Feedback")), Column("kind", _lazy("Kind")),
                Column("action", _lazy("Action")), Column("owner", _lazy("Owner")),
                Column("due_date", _lazy("Due date"), "date"),
                Column("done", _lazy("Done"), "date")],
                [{"feedback": a.feedback.number, "kind": a.get_kind_display(),
                  "action": a.description, "owner": _owner(a.owner), "due_date": a.due_date,
                  "done": a.done_at} for a in report["actions"]]),
            Table("trend", _("Trend"), trend_columns, [
                {"month": f"{t['month']:%Y-%m}", "total": t["total"],
                 **{value: t[value] for value, _label in kinds},
                 "ack_rate": t["sla"]["ack_rate"], "resolve_rate": t["sla"]["resolve_rate"]}
                for t in report["trend"]]),
        ],
        charts=[Chart("volume", _("Volume per month"), feedback_volume_chart(report)),
                Chart("sla", _("SLA compliance per month"), feedback_sla_chart(report)),
                Chart("category", _("By category"), share_pie(report["by_category"]))],
        summary={"total": report["total"], "complaints": sla["complaints"],
                 "ack_rate": sla["ack_rate"], "resolve_rate": sla["resolve_rate"],
                 "compensation": report["compensation"] or Decimal("0.00")},
    )


REPORTS = [
    ReportDefinition(
        key="survey-results", title=_lazy("Survey results (CSI and NPS)"), department="care",
        permission=SURVEY_PERMISSION, build=survey_report, page="care:survey-results",
        description=_lazy("CR-4: CSI and NPS per month, service advisor, consultant and "
                          "technician, with the loyalty items."),
        summary_columns=(Column("responses", _lazy("Responses"), "int"),
                         Column("csi", "CSI", "decimal"), Column("nps", "NPS", "decimal")),
        order=400),
    ReportDefinition(
        key="complaint-analysis", title=_lazy("Complaint analysis"), department="care",
        permission=ANALYSIS_PERMISSION, build=complaint_report, page="care:feedback-analysis",
        description=_lazy("CR-9: volume by type, category, department, staff and model; SLA "
                          "compliance; repeat complaints; root causes and actions; trend."),
        summary_columns=(Column("total", _lazy("Feedback"), "int"),
                         Column("complaints", _lazy("Complaints"), "int"),
                         Column("ack_rate", _lazy("Acknowledged in time %"), "percent"),
                         Column("resolve_rate", _lazy("Resolved in time %"), "percent"),
                         Column("compensation", _lazy("Compensation"), "money")),
        order=410),
]
