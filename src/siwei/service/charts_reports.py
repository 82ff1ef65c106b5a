"""Charts of the appointment KPIs (SV-5), the quality daily report (SV-14) and the
workshop KPIs as ECharts options: the department pages and the report catalogue draw the
same charts from the same figures."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .selectors_appointments import kpi_chart


def appointment_labels() -> dict[str, str]:
    return {"from_appointment": _("ROs from appointments"), "walk_in": _("Walk-in ROs"),
            "appointment_rate": _("Appointment rate %"), "show_rate": _("Show rate %")}


def appointment_chart(result: dict) -> dict:
    """ROs per day (from an appointment or walk-in) and the appointment and show rates."""
    return kpi_chart(result, appointment_labels())


def quality_chart(report: dict) -> dict:
    """Per day: orders inspected and failed inspections (bars), first-time pass (line, %)."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("Inspected"), _("Failed inspections"), _("First-time pass %")]},
        "xAxis": {"type": "category", "data": [f"{r['day']:%m-%d}" for r in report["days"]]},
        "yAxis": [{"type": "value", "minInterval": 1},
                  {"type": "value", "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}}],
        "series": [
            {"name": _("Inspected"), "type": "bar",
             "data": [r["inspected"] for r in report["days"]]},
            {"name": _("Failed inspections"), "type": "bar",
             "data": [r["failures"] for r in report["days"]]},
            {"name": _("First-time pass %"), "type": "line", "yAxisIndex": 1,
             "data": [float(r["ftp_rate"]) if r["ftp_rate"] is not None else None
                      for r in report["days"]]},
        ],
    }


def workshop_hours_chart(result: dict) -> dict:
    """Per technician: hours sold, clocked and on shift (bars)."""
    rows = result["rows"]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("Hours sold"), _("Hours clocked"), _("Hours on shift")]},
        "xAxis": {"type": "category", "data": [r["name"] for r in rows]},
        "yAxis": {"type": "value"},
        "series": [
            {"name": _("Hours sold"), "type": "bar", "data": [float(r["sold"]) for r in rows]},
            {"name": _("Hours clocked"), "type": "bar",
             "data": [float(r["clocked"]) for r in rows]},
            {"name": _("Hours on shift"), "type": "bar",
             "data": [float(r["on_shift"]) for r in rows]},
        ],
    }


def claim_answers_chart(kpis: dict) -> dict:
    """SV-17: the claims the OEM answered in the period, approved against rejected."""
    return {"tooltip": {"trigger": "item"}, "legend": {"bottom": 0},
            "series": [{"type": "pie", "radius": ["40%", "70%"], "data": [
                {"name": _("Approved"), "value": kpis["approved"]},
                {"name": _("Rejected"), "value": kpis["rejected"]}]}]}
