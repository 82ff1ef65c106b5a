"""Survey results (CR-4): CSI and NPS per store, service advisor, consultant, technician and
month, and the loyalty items. How the figures are defined: ``services.surveys``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from .models import Answer, Measure, SurveyResponse
from .services.surveys import nps_of

LOYALTY = [Measure.BUY_AGAIN, Measure.RECOMMEND, Measure.OTHER_BRANDS, Measure.TELL_US_FIRST]


@dataclass
class Bucket:
    """The responses of one store, person or month."""

    key: object = None
    label: str = ""
    n: int = 0
    csis: list[Decimal] = field(default_factory=list)
    nps_scores: list[int] = field(default_factory=list)
    yes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    answered: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, row: dict) -> None:
        self.n += 1
        if row["csi"] is not None:
            self.csis.append(row["csi"])
        if row["nps_score"] is not None:
            self.nps_scores.append(row["nps_score"])

    @property
    def csi(self) -> Decimal | None:
        if not self.csis:
            return None
        return (sum(self.csis, Decimal(0)) / len(self.csis)).quantize(Decimal("0.1"),
                                                                       ROUND_HALF_UP)

    @property
    def nps(self) -> Decimal | None:
        return nps_of(self.nps_scores)

    @property
    def promoters(self) -> int:
        return sum(1 for s in self.nps_scores if s >= 9)

    @property
    def detractors(self) -> int:
        return sum(1 for s in self.nps_scores if s <= 6)

    def loyalty(self, measure: str) -> Decimal | None:
        """The share of "yes" (%) of a loyalty item."""
        if not self.answered.get(measure):
            return None
        return (Decimal(self.yes[measure]) * 100 / self.answered[measure]).quantize(
            Decimal("0.1"), ROUND_HALF_UP)

    @property
    def loyalty_values(self) -> list[Decimal | None]:
        return [self.loyalty(m) for m in LOYALTY]


def responses_in(*, stores, start: dt.date, end: dt.date) -> QuerySet[SurveyResponse]:
    first = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    return SurveyResponse.objects.for_stores(stores).filter(answered_at__gte=first,
                                                            answered_at__lt=after)


def _names(user_ids) -> dict[int, str]:
    from siwei.core.models import Employee

    return dict(Employee.objects.filter(user_id__in=[u for u in user_ids if u])
                .values_list("user_id", "name"))


def _months(start: dt.date, end: dt.date) -> list[str]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(f"{day:%Y-%m}")
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def survey_results(*, store, stores, start: dt.date, end: dt.date) -> dict:
    """Figures of the responses answered in [start, end]: ``stores`` side by side (the
    stores the user may compare), and for ``store`` the breakdowns per service advisor,
    consultant, technician and month, with the loyalty items."""
    rows = list(responses_in(stores=stores, start=start, end=end).values(
        "id", "store_id", "answered_at", "csi", "nps_score", "advisor_id", "consultant_id",
        "technician_id"))
    loyalty = Answer.objects.filter(
        response__in=responses_in(stores=stores, start=start, end=end),
        question__measure__in=LOYALTY, number__isnull=False).values_list(
        "response__store_id", "question__measure", "number")
    by_store = {s.pk: Bucket(key=s.pk, label=s.name) for s in stores}
    for row in rows:
        by_store[row["store_id"]].add(row)
    for store_id, measure, number in loyalty:
        by_store[store_id].answered[measure] += 1
        by_store[store_id].yes[measure] += 1 if number else 0
    months = _months(start, end)
    by_month = {(s.pk, m): Bucket(key=m, label=m) for s in stores for m in months}
    people: dict[str, dict[int, Bucket]] = {"advisor": {}, "consultant": {}, "technician": {}}
    for row in rows:
        month = f"{timezone.localtime(row['answered_at']):%Y-%m}"
        if (row["store_id"], month) in by_month:
            by_month[(row["store_id"], month)].add(row)
        if row["store_id"] != store.pk:
            continue
        for role, buckets in people.items():
            user_id = row[f"{role}_id"]
            if user_id:
                buckets.setdefault(user_id, Bucket(key=user_id)).add(row)
    names = _names({uid for buckets in people.values() for uid in buckets})
    for buckets in people.values():
        for bucket in buckets.values():
            bucket.label = names.get(bucket.key, str(bucket.key))

    def ranked(buckets: dict[int, Bucket]) -> list[Bucket]:
        return sorted(buckets.values(), key=lambda b: (-(b.csi or 0), b.label))

    return {
        "start": start, "end": end, "months": months,
        "stores": [by_store[s.pk] for s in stores],
        "total": by_store.get(store.pk) or Bucket(key=store.pk, label=store.name),
        "monthly": {s.pk: [by_month[(s.pk, m)] for m in months] for s in stores},
        "advisors": ranked(people["advisor"]),
        "consultants": ranked(people["consultant"]),
        "technicians": ranked(people["technician"]),
        "loyalty_measures": [(m, Measure(m).label) for m in LOYALTY],
    }


def store_month_figures(*, store, today: dt.date) -> dict:
    """This month's CSI, NPS and number of responses of one store (dashboard card), in
    one query."""
    figures = responses_in(stores=[store], start=today.replace(day=1), end=today).aggregate(
        n=Count("id"), csi=Avg("csi"), answered=Count("nps_score"),
        promoters=Count("id", filter=Q(nps_score__gte=9)),
        detractors=Count("id", filter=Q(nps_score__lte=6)))
    csi = figures["csi"]
    nps = None
    if figures["answered"]:
        nps = (Decimal(figures["promoters"] - figures["detractors"]) * 100
               / figures["answered"]).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return {"n": figures["n"], "nps": nps,
            "csi": Decimal(str(csi)).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if csi is not None else None}
