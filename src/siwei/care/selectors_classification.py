"""Accuracy of the feedback classifier against the staff's final choice (CR-8)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from siwei.core.periods import month_of

from .models import Feedback, FeedbackCategory, FeedbackKind

NONE = ""  # the column of records the classifier had no suggestion for


def _rate(correct: int, total: int) -> float | None:
    return round(100 * correct / total, 1) if total else None


def _figures(records: int, kind_suggested: int, kind_correct: int, category_suggested: int,
             category_correct: int) -> dict:
    return {
        "records": records,
        "kind": {"suggested": kind_suggested, "correct": kind_correct,
                 "accuracy": _rate(kind_correct, records)},
        "category": {"suggested": category_suggested, "correct": category_correct,
                     "accuracy": _rate(category_correct, records)},
    }


def classification_accuracy(*, store=None, stores: Iterable | None = None, start: dt.date,
                            end: dt.date) -> dict:
    """How often the suggested type and category were the staff's final choice, for the
    feedback received from ``start`` to ``end`` (local dates, inclusive) in ``store`` or
    ``stores``: in total, per month, and a confusion table of the categories (rows: the
    staff's category; columns: the suggested one, or none). A record without a
    suggestion counts as a miss; accuracy is in percent (``None`` without records)."""
    chosen = [store] if store is not None else list(stores or [])
    rows = (Feedback.objects.filter(store__in=chosen, received_at__date__gte=start,
                                    received_at__date__lte=end)
            .annotate(month=TruncMonth("received_at"))
            .values("month", "kind", "suggested_kind", "category", "suggested_category")
            .annotate(n=Count("id")).order_by())
    months: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    confusion: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        figures = months[month_of(row["month"])]
        n = row["n"]
        figures[0] += n
        figures[1] += n if row["suggested_kind"] else 0
        figures[2] += n if row["suggested_kind"] == row["kind"] else 0
        figures[3] += n if row["suggested_category"] else 0
        figures[4] += n if row["suggested_category"] == row["category"] else 0
        confusion[row["category"]][row["suggested_category"] or NONE] += n
    totals = [sum(values[i] for values in months.values()) for i in range(5)]
    categories = list(FeedbackCategory.choices)
    columns = [*categories, (NONE, _("No suggestion"))]
    table = []
    for value, label in categories:
        cells = confusion.get(value, {})
        total = sum(cells.values())
        table.append({"category": value, "label": label, "total": total,
                      "cells": [cells.get(column, 0) for column, _label in columns],
                      "correct": cells.get(value, 0),
                      "recall": _rate(cells.get(value, 0), total)})
    return {
        "start": start, "end": end,
        "total": _figures(*totals),
        "months": [{"month": month, **_figures(*values)}
                   for month, values in sorted(months.items())],
        "confusion": {"columns": columns, "rows": table,
                      "column_totals": [sum(r["cells"][i] for r in table)
                                        for i in range(len(columns))]},
        "kinds": list(FeedbackKind.choices),
    }


def accuracy_chart(result: dict) -> dict:
    """An ECharts option: the records per month (bars) and the accuracy of the type and
    of the category (lines, percent)."""
    months = [m["month"].strftime("%Y-%m") for m in result["months"]]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("Records"), _("Type accuracy %"), _("Category accuracy %")]},
        "grid": {"left": 50, "right": 50, "bottom": 30},
        "xAxis": {"type": "category", "data": months},
        "yAxis": [{"type": "value", "name": _("Records")},
                  {"type": "value", "name": "%", "min": 0, "max": 100}],
        "series": [
            {"name": _("Records"), "type": "bar", "data": [m["records"] for m in result["months"]]},
            {"name": _("Type accuracy %"), "type": "line", "yAxisIndex": 1,
             "data": [m["kind"]["accuracy"] for m in result["months"]]},
            {"name": _("Category accuracy %"), "type": "line", "yAxisIndex": 1,
             "data": [m["category"]["accuracy"] for m in result["months"]]},
        ],
    }


def learned_keywords(*, group, field: str = "category", per_label: int = 8) -> list[dict]:
    """The strongest learned keywords of each label of ``field`` in the group, for the
    accuracy page (one query)."""
    from .classification import LABELS, PRIOR_TERM
    from .models import ClassifierTerm

    choices = dict(FeedbackCategory.choices if field == "category" else FeedbackKind.choices)
    found: dict[str, list[tuple[str, float]]] = defaultdict(list)
    rows = (ClassifierTerm.objects.filter(group_id=group.pk, field=field)
            .exclude(term=PRIOR_TERM).order_by("label", "-weight", "term")
            .values_list("label", "term", "weight"))
    for label, term, weight in rows:
        if len(found[label]) < per_label:
            found[label].append((term, round(weight, 2)))
    return [{"label": label, "name": choices.get(label, label), "terms": found.get(label, [])}
            for label in LABELS[field]]
