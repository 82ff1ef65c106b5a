"""Reports of reception, the workshop and warranty in the report catalogue (FN-7), one
section per report:

- appointment KPIs (SV-5): appointment, show and on-time reception rates per day and SA;
- workshop KPIs (SV-10): hours sold, clocked and on shift per technician;
- quality daily report (SV-14): inspections, first-time pass, failures, comebacks;
- warranty claim KPIs (SV-17): approval rate, days to payment, receivable.

Each one reads the selector its department page reads; ``report_catalog`` lists them."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from siwei.core.fields import money
from siwei.core.reporting import Chart, Column, ReportDefinition, ReportQuery, ReportResult, Table

from . import selectors_appointments, selectors_warranty, selectors_workshop
from .charts_reports import (
    appointment_chart,
    claim_answers_chart,
    quality_chart,
    workshop_hours_chart,
)
from .selectors_workshop import Period, person_name
from .services.workshop import PERM_DISPATCH

APPOINTMENT_PERMISSION = "service.view_appointment"
QUALITY_PERMISSION = "service.view_inspection"
WORKSHOP_PERMISSION = PERM_DISPATCH
WARRANTY_PERMISSION = "service.view_warrantyclaim"

# --- SV-5 appointment KPIs -------------------------------------------------------------

_APPOINTMENT_COLUMNS = (
    Column("ros", _lazy("ROs"), "int"),
    Column("from_appointment", _lazy("ROs from appointments"), "int"),
    Column("appointment_rate", _lazy("Appointment rate %"), "percent"),
    Column("booked", _lazy("Appointments"), "int"),
    Column("cancelled", _lazy("Cancelled"), "int"),
    Column("arrived", _lazy("Showed up"), "int"),
    Column("no_show", _lazy("No-shows"), "int"),
    Column("show_rate", _lazy("Show rate %"), "percent"),
    Column("on_time", _lazy("Received on time"), "int"),
    Column("on_time_rate", _lazy("On-time reception %"), "percent"),
)


def _appointment_figures(row: dict) -> dict:
    return {c.key: row[c.key] for c in _APPOINTMENT_COLUMNS}


def appointment_kpi_report(query: ReportQuery) -> ReportResult:
    result = selectors_appointments.appointment_kpis(store=query.store, start=query.start,
                                                     end=query.end)
    total = _appointment_figures(result["total"])
    return ReportResult(
        tables=[
            Table("days", _("Per day"), [Column("day", _lazy("Day"), "date"),
                                         *_APPOINTMENT_COLUMNS],
                  [{"day": r["day"], **_appointment_figures(r)} for r in result["days"]]),
            Table("advisors", _("Per service advisor"), [
                Column("advisor", _lazy("Service advisor")), *_APPOINTMENT_COLUMNS],
                [{"advisor": person_name(r["advisor"]), **_appointment_figures(r)}
                 for r in result["advisors"]]),
            Table("total", _("Total"), list(_APPOINTMENT_COLUMNS), [total]),
        ],
        charts=[Chart("days", _("ROs and appointments per day"), appointment_chart(result))],
        summary=total,
    )


# --- SV-10 workshop KPIs ---------------------------------------------------------------

_WORKSHOP_COLUMNS = (
    Column("sold", _lazy("Hours sold"), "decimal", adds_up=True),
    Column("clocked", _lazy("Hours clocked"), "decimal", adds_up=True),
    Column("on_shift", _lazy("Hours on shift"), "decimal", adds_up=True),
    Column("productivity", _lazy("Productivity %"), "percent"),
    Column("efficiency", _lazy("Efficiency %"), "percent"),
)


def _workshop_figures(row: dict) -> dict:
    return {c.key: row[c.key] for c in _WORKSHOP_COLUMNS}


def workshop_kpi_report(query: ReportQuery) -> ReportResult:
    result = selectors_workshop.workshop_kpis(store=query.store,
                                              period=Period(query.start, query.end))
    return ReportResult(
        tables=[Table("technicians", _("Workshop KPIs"), [
            Column("technician", _lazy("Technician")), *_WORKSHOP_COLUMNS],
            [{"technician": r["name"], **_workshop_figures(r)} for r in result["rows"]],
            totals={"technician": _("Total"), **_workshop_figures(result["total"])})],
        charts=[Chart("hours", _("Hours per technician"), workshop_hours_chart(result))],
        summary={"technicians": len(result["rows"]), **_workshop_figures(result["total"])},
    )


# --- SV-14 quality daily report --------------------------------------------------------

_QUALITY_COLUMNS = (
    Column("inspected", _lazy("Inspected"), "int"),
    Column("first_pass", _lazy("First-time passes"), "int"),
    Column("ftp_rate", _lazy("First-time pass %"), "percent"),
    Column("failures", _lazy("Failed inspections"), "int"),
    Column("comebacks", _lazy("Comebacks"), "int"),
)


def _quality_figures(row: dict) -> dict:
    return {c.key: row[c.key] for c in _QUALITY_COLUMNS}


def quality_daily_report(query: ReportQuery) -> ReportResult:
    report = selectors_workshop.quality_daily(store=query.store,
                                              period=Period(query.start, query.end))
    total = _quality_figures(report["total"])
    return ReportResult(
        tables=[
            Table("days", _("Days"), [Column("day", _lazy("Day"), "date"), *_QUALITY_COLUMNS],
                  [{"day": r["day"], **_quality_figures(r)} for r in report["days"]],
                  totals={"day": _("Total"), **total}),
            Table("causes", _("Failures by cause"), [
                Column("findings", _lazy("Findings")), Column("level", _lazy("Level")),
                Column("n", _lazy("Failures"), "int")],
                [{"findings": r["findings"] or _("(no findings)"),
                  "level": str(r["level_label"]), "n": r["n"]} for r in report["by_cause"]]),
            Table("technicians", _("Failures by technician"), [
                Column("technician", _lazy("Technician")),
                Column("n", _lazy("Failures"), "int")],
                [{"technician": r["name"], "n": r["n"]} for r in report["by_technician"]]),
            Table("comebacks", _("Comebacks"), [
                Column("number", _lazy("Repair order")), Column("plate", _lazy("Plate")),
                Column("received_at", _lazy("Received"), "date"),
                Column("comeback_of", _lazy("Comeback of"))],
                [{"number": ro.number, "plate": ro.vehicle.plate,
                  "received_at": ro.received_at, "comeback_of": ro.comeback_of.number}
                 for ro in report["comebacks"]]),
        ],
        charts=[Chart("days", _("Quality per day"), quality_chart(report))],
        summary=total,
    )


# --- SV-17 warranty claim KPIs ---------------------------------------------------------

_WARRANTY_COLUMNS = (
    Column("approved", _lazy("Approved"), "int"),
    Column("rejected", _lazy("Rejected"), "int"),
    Column("approval_rate", _lazy("Approval rate"), "percent"),
    Column("paid", _lazy("Claims paid"), "int"),
    Column("days_to_payment", _lazy("Days to payment"), "decimal"),
    Column("receivable", _lazy("Receivable from the OEM"), "money"),
    Column("submitted", _lazy("At the OEM"), "money"),
)


def _decimal(value) -> Decimal | None:
    """The selector's one-decimal floats as exact Decimals."""
    return None if value is None else Decimal(str(value))


def warranty_claim_report(query: ReportQuery) -> ReportResult:
    kpis = selectors_warranty.claim_kpis(store=query.store, start=query.start, end=query.end)
    summary = {c.key: kpis[c.key] for c in _WARRANTY_COLUMNS}
    summary["approval_rate"] = _decimal(kpis["approval_rate"])
    summary["days_to_payment"] = _decimal(kpis["days_to_payment"])
    summary["receivable"], summary["submitted"] = money(kpis["receivable"]), money(
        kpis["submitted"])
    return ReportResult(
        tables=[Table("kpis", _("Warranty claims"), [
            Column("kpi", _lazy("KPI")), Column("value", _lazy("Value"), "decimal")],
            [{"kpi": str(c.label), "value": summary[c.key]} for c in _WARRANTY_COLUMNS])],
        charts=[Chart("answers", _("Claims answered"), claim_answers_chart(kpis))],
        summary=summary,
    )


REPORTS = [
    ReportDefinition(
        key="appointment-kpis", title=_lazy("Appointment KPIs"), department="service",
        permission=APPOINTMENT_PERMISSION, build=appointment_kpi_report,
        page="service:appointment-kpis",
        description=_lazy("SV-5: appointment rate, show rate and on-time reception per day "
                          "and service advisor."),
        summary_columns=_APPOINTMENT_COLUMNS, order=310),
    ReportDefinition(
        key="workshop-kpis", title=_lazy("Workshop KPIs"), department="service",
        permission=WORKSHOP_PERMISSION, build=workshop_kpi_report,
        page="service:workshop-kpis",
        description=_lazy("SV-10: hours sold, clocked and on shift, productivity and "
                          "efficiency per technician."),
        summary_columns=(*_WORKSHOP_COLUMNS,
                         Column("technicians", _lazy("Technicians"), "int")), order=320),
    ReportDefinition(
        key="quality-daily", title=_lazy("Quality daily report"), department="service",
        permission=QUALITY_PERMISSION, build=quality_daily_report,
        page="service:workshop-quality",
        description=_lazy("SV-14: orders inspected, first-time pass, failed inspections by "
                          "cause and technician, comebacks."),
        summary_columns=_QUALITY_COLUMNS, order=330),
    ReportDefinition(
        key="warranty-claims", title=_lazy("Warranty claim KPIs"), department="service",
        permission=WARRANTY_PERMISSION, build=warranty_claim_report,
        page="service:warranty-claims",
        description=_lazy("SV-17: claims approved and rejected, approval rate, days to "
                          "payment, amounts approved and not yet paid, amounts at the OEM."),
        summary_columns=_WARRANTY_COLUMNS, order=340),
]
