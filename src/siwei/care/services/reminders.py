"""Reminders and care (客户关怀, CR-5): the daily job creates the follow-up tasks (and, where
the channel is SMS and the customer consented, the messages) of the day.

Each reminder is a follow-up task whose due time is 10:00 local on the day the rule
fixes (the expiry minus the lead days, the birthday …), so running the job again creates
nothing twice (a task is unique by kind, source and due time; a rule's tasks are looked up
and inserted together). A reminder whose day passed while the scheduler was down is still
created, up to ``CATCH_UP_DAYS`` late; greetings (birthday, purchase anniversary) only on the day.
Appointment confirmations (1 day and 1 hour before) are created when the appointment is
booked (``siwei.service.services.appointments``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.transactions import service_transaction
from siwei.crm.models import Customer, CustomerCategory, Lead, LeadStatus, Vehicle

from ..models import CareSettings, FollowUp, FollowUpChannel, FollowUpKind, care_settings
from .followups import followup_schedule

logger = logging.getLogger(__name__)

REMINDER_TIME = dt.time(10, 0)
CATCH_UP_DAYS = 3
# A changed due date does not remind twice within this many days.
MAINTENANCE_QUIET_DAYS = 60
WINBACK_EVERY_MONTHS = 6

SERVICE_QUEUE = "service_advisor"
CARE_QUEUE = "customer_service"
SALES_QUEUE = "sales_consultant"

VEHICLE = "crm.vehicle"
CUSTOMER = "crm.customer"
LEAD = "crm.lead"

K = FollowUpKind
KINDS = (K.MAINTENANCE_DUE, K.FIRST_MAINTENANCE, K.INSURANCE_EXPIRY, K.WARRANTY_ENDING,
         K.BIRTHDAY, K.PURCHASE_ANNIVERSARY, K.CHURN_WINBACK, K.LOST_LEAD_REVISIT)


def due_at(day: dt.date) -> dt.datetime:
    """A reminder's due time: 10:00 local on ``day``."""
    return timezone.make_aware(dt.datetime.combine(day, REMINDER_TIME),
                               timezone.get_default_timezone())


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min),
                               timezone.get_default_timezone())


@dataclass
class _Pending:
    task: FollowUp
    body: str
    marketing: bool


@dataclass
class _Run:
    store: object
    today: dt.date
    settings: CareSettings
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    pending: dict[tuple, _Pending] = field(default_factory=dict)

    @property
    def days(self) -> list[dt.date]:
        """The trigger days handled: today and the catch-up days before it."""
        return [self.today - dt.timedelta(days=n) for n in range(CATCH_UP_DAYS, -1, -1)]

    def schedule(self, *, kind: str, customer, day: dt.date, source_type: str, source_id: int,
                 vehicle=None, assignee=None, role: str = "", channel: str | None = None,
                 body: str = "", marketing: bool = False) -> None:
        """A task of the rule being run; ``flush`` creates those not scheduled yet."""
        if customer is None:
            return
        if channel is None:
            channel = _greeting_channel(customer) if body else FollowUpChannel.PHONE
        task = FollowUp(store=self.store, kind=kind, customer=customer, vehicle=vehicle,
                        due_at=due_at(day), source_type=source_type, source_id=source_id,
                        assignee=assignee, assignee_role="" if assignee else role,
                        channel=channel)
        self.pending.setdefault(_key(task), _Pending(task, body, marketing))

    def flush(self) -> None:
        """Create the rule's tasks at once: one query finds those already scheduled (by
        kind, source and due time, as ``followup_schedule``), one inserts the others.
        Should a parallel run insert one of them first, they are scheduled one by one."""
        pending, self.pending = list(self.pending.values()), {}
        if not pending:
            return
        existing = _scheduled_keys([p.task for p in pending])
        new = [p for p in pending if _key(p.task) not in existing]
        try:
            with transaction.atomic():
                FollowUp.objects.bulk_create([p.task for p in new])
        except IntegrityError:
            new = [p for p in new if self._one_by_one(p.task)]
        for item in new:
            task = item.task
            self.counts[task.kind] += 1
            if task.channel == FollowUpChannel.SMS and item.body:
                _queue_message(store=self.store, customer=task.customer, body=item.body,
                               follow_up=task, is_marketing=item.marketing)

    def _one_by_one(self, task: FollowUp) -> bool:
        """Schedule ``task`` alone (``followup_schedule``) and give it the saved row's id;
        whether it is new."""
        saved, created = followup_schedule(
            store=task.store, kind=task.kind, customer=task.customer, due_at=task.due_at,
            source_type=task.source_type, source_id=task.source_id, vehicle=task.vehicle,
            assignee=task.assignee, assignee_role=task.assignee_role, channel=task.channel)
        task.pk = saved.pk
        return created


def _key(task: FollowUp) -> tuple:
    return (task.kind, task.source_type, task.source_id, task.due_at)


def _scheduled_keys(tasks: list[FollowUp]) -> set[tuple]:
    """The keys (kind, source, due time) of those tasks already scheduled: one query."""
    return set(FollowUp.objects.filter(
        kind__in={t.kind for t in tasks}, source_type__in={t.source_type for t in tasks},
        source_id__in={t.source_id for t in tasks}, due_at__in={t.due_at for t in tasks},
    ).values_list("kind", "source_type", "source_id", "due_at"))


def _greeting_channel(customer) -> str:
    return FollowUpChannel.SMS if customer.consent_sms and customer.mobile \
        else FollowUpChannel.PHONE


def _messaging():
    """``message_queue`` of the messaging service, or None while it is not installed."""
    try:
        from .messaging import message_queue
    except ImportError:
        return None
    return message_queue


def _queue_message(*, store, customer, body: str, follow_up, is_marketing: bool) -> None:
    queue = _messaging()
    if queue is None:
        return
    from ..models import MessageChannel

    queue(store=store, customer=customer, channel=MessageChannel.SMS, body=body,
          follow_up=follow_up, is_marketing=is_marketing)


def _active(user):
    return user if user is not None and user.is_active else None


def _fmt(day: dt.date) -> str:
    return day.strftime("%Y-%m-%d")


def _store_phone(store) -> str:
    return store.phone or ""


# --- the rules -------------------------------------------------------------------------


def _maintenance_due(run: _Run) -> None:
    """SV-18 due date within ``maintenance_days_before`` days: the SA queue calls; an SMS
    with consent. A due date that moved does not remind again within 60 days."""
    from siwei.service.services.maintenance import vehicles_due

    before = run.settings.maintenance_days_before
    vehicles = vehicles_due(store=run.store, since=run.today,
                            until=run.today + dt.timedelta(days=before)).filter(
        owner__isnull=False, owner__merged_into__isnull=True)
    quiet = set(FollowUp.objects.filter(
        store=run.store, kind=K.MAINTENANCE_DUE, vehicle__in=vehicles,
        due_at__gte=_day_start(run.today - dt.timedelta(days=MAINTENANCE_QUIET_DAYS)),
    ).values_list("vehicle_id", flat=True))
    for vehicle in vehicles:
        if vehicle.pk in quiet:
            continue
        due = vehicle.next_maintenance_date
        run.schedule(kind=K.MAINTENANCE_DUE, customer=vehicle.owner, vehicle=vehicle,
                     day=due - dt.timedelta(days=before), source_type=VEHICLE,
                     source_id=vehicle.pk, role=SERVICE_QUEUE,
                     body=_("Dear %(name)s, your %(plate)s is due for maintenance on %(date)s. "
                            "Book a visit: %(phone)s") % {
                         "name": vehicle.owner.name, "plate": vehicle.plate or vehicle.vin,
                         "date": _fmt(due), "phone": _store_phone(run.store)})


def _first_months_by_model(group_id: int) -> tuple[dict[int | None, int], int]:
    """First-maintenance months of each model with a plan (SV-18) and the default."""
    from siwei.service.models import MaintenancePlan

    rows = dict(MaintenancePlan.objects.filter(group_id=group_id)
                .values_list("model_id", "first_months"))
    return rows, rows.get(None, 6)


def _first_maintenance(run: _Run) -> None:
    """Sold vehicles past their first-maintenance months (SV-18) without any maintenance
    repair order since the sale: the SA queue calls."""
    from siwei.service.models import RepairOrder, ROStatus
    from siwei.service.services.maintenance import MAINTENANCE_CATEGORIES

    by_model, default = _first_months_by_model(run.store.group_id)
    months = set(by_model.values()) | {default}
    first, last = run.days[0], run.days[-1]
    earliest = clock.add_months(first, -max(months)) - dt.timedelta(days=3)
    latest = clock.add_months(last, -min(months)) + dt.timedelta(days=3)  # month ends
    candidates = []
    for vehicle in (Vehicle.objects.for_store(run.store)
                    .filter(selling_store__isnull=False, owner__isnull=False,
                            owner__merged_into__isnull=True,
                            sale_date__gte=earliest, sale_date__lte=latest)
                    .select_related("owner")):
        day = clock.add_months(vehicle.sale_date, by_model.get(vehicle.model_id, default))
        if first <= day <= last:
            candidates.append((vehicle, day))
    if not candidates:
        return
    visits: dict[int, list[dt.date]] = {}
    for vehicle_id, received in (RepairOrder.objects.filter(
            vehicle_id__in=[v.pk for v, _day in candidates],
            category__in=MAINTENANCE_CATEGORIES)
            .exclude(status=ROStatus.CANCELLED).values_list("vehicle_id", "received_at")):
        visits.setdefault(vehicle_id, []).append(timezone.localtime(received).date())
    for vehicle, day in candidates:
        if any(d >= vehicle.sale_date for d in visits.get(vehicle.pk, [])):
            continue
        run.schedule(kind=K.FIRST_MAINTENANCE, customer=vehicle.owner, vehicle=vehicle,
                     day=day, source_type=VEHICLE, source_id=vehicle.pk, role=SERVICE_QUEUE,
                     channel=FollowUpChannel.PHONE)


def _vehicles_by_date(run: _Run, field_name: str, days_before: int) -> Iterable[tuple]:
    """Vehicles whose ``field_name`` minus ``days_before`` falls on a handled day."""
    start = run.days[0] + dt.timedelta(days=days_before)
    end = run.days[-1] + dt.timedelta(days=days_before)
    vehicles = (Vehicle.objects.for_store(run.store)
                .filter(owner__isnull=False, owner__merged_into__isnull=True,
                        **{f"{field_name}__gte": start, f"{field_name}__lte": end})
                .select_related("owner").order_by(field_name, "id"))
    for vehicle in vehicles:
        yield vehicle, getattr(vehicle, field_name) - dt.timedelta(days=days_before)


def _insurance_expiry(run: _Run) -> None:
    """Insurance expiring in 60 and 30 days (``insurance_days_before``): the customer
    service queue calls; an SMS with consent."""
    for before in sorted(set(run.settings.insurance_days_before or [60, 30]), reverse=True):
        for vehicle, day in _vehicles_by_date(run, "insurance_expiry", before):
            run.schedule(kind=K.INSURANCE_EXPIRY, customer=vehicle.owner, vehicle=vehicle,
                         day=day, source_type=VEHICLE, source_id=vehicle.pk, role=CARE_QUEUE,
                         body=_("Dear %(name)s, the insurance of %(plate)s expires on %(date)s."
                                " We are glad to renew it for you: %(phone)s") % {
                             "name": vehicle.owner.name,
                             "plate": vehicle.plate or vehicle.vin,
                             "date": _fmt(vehicle.insurance_expiry),
                             "phone": _store_phone(run.store)})


def _warranty_ending(run: _Run) -> None:
    """The warranty ends in ``warranty_days_before`` days (30): a last check under
    warranty, offered by the customer service queue."""
    for vehicle, day in _vehicles_by_date(run, "warranty_end",
                                          run.settings.warranty_days_before):
        run.schedule(kind=K.WARRANTY_ENDING, customer=vehicle.owner, vehicle=vehicle, day=day,
                     source_type=VEHICLE, source_id=vehicle.pk, role=CARE_QUEUE,
                     body=_("Dear %(name)s, the warranty of %(plate)s ends on %(date)s. Come "
                            "for a free check before it ends: %(phone)s") % {
                         "name": vehicle.owner.name, "plate": vehicle.plate or vehicle.vin,
                         "date": _fmt(vehicle.warranty_end), "phone": _store_phone(run.store)})


def _on_the_day(run: _Run, kind: str, pairs: Iterable[tuple[int, dt.date]]) -> set:
    """(customer id, day) of the tasks of ``kind`` already due on those days, whatever
    created them (the after-sale plan of CR-2 creates the first ones)."""
    pairs = list(pairs)
    if not pairs:
        return set()
    rows = FollowUp.objects.filter(kind=kind, customer_id__in={c for c, _d in pairs},
                                   due_at__gte=_day_start(run.today),
                                   due_at__lt=_day_start(run.today + dt.timedelta(days=1)))
    return {(c, timezone.localtime(at).date()) for c, at in rows.values_list("customer_id",
                                                                            "due_at")}


def _birthday(run: _Run) -> None:
    """Every customer with a birthday, on the day, each year (29 February on the 28th in
    a common year): a greeting from the customer service queue, by SMS with consent."""
    today = run.today
    match = Q(birthday__month=today.month, birthday__day=today.day)
    if today.month == 2 and today.day == 28 and not _leap(today.year):
        match |= Q(birthday__month=2, birthday__day=29)
    customers = list(Customer.objects.for_store(run.store)
                     .filter(match, merged_into__isnull=True).order_by("id"))
    done = _on_the_day(run, K.BIRTHDAY, [(c.pk, today) for c in customers])
    for customer in customers:
        if (customer.pk, today) in done:
            continue
        run.schedule(kind=K.BIRTHDAY, customer=customer, day=today, source_type=CUSTOMER,
                     source_id=customer.pk, role=CARE_QUEUE,
                     body=_("Happy birthday, %(name)s! Best wishes from %(store)s.") % {
                         "name": customer.name, "store": run.store.name})


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _purchase_anniversary(run: _Run) -> None:
    """Owners, each year on the sale date: the customer's consultant (else the sales
    consultants' queue) sends greetings."""
    today = run.today
    match = Q(sale_date__month=today.month, sale_date__day=today.day)
    if today.month == 2 and today.day == 28 and not _leap(today.year):
        match |= Q(sale_date__month=2, sale_date__day=29)
    vehicles = list(Vehicle.objects.for_store(run.store)
                    .filter(match, sale_date__lt=today.replace(month=1, day=1),
                            owner__isnull=False, owner__merged_into__isnull=True)
                    .select_related("owner__responsible").order_by("id"))
    done = _on_the_day(run, K.PURCHASE_ANNIVERSARY, [(v.owner_id, today) for v in vehicles])
    for vehicle in vehicles:
        if (vehicle.owner_id, today) in done:
            continue
        years = today.year - vehicle.sale_date.year
        run.schedule(kind=K.PURCHASE_ANNIVERSARY, customer=vehicle.owner, vehicle=vehicle,
                     day=today, source_type=VEHICLE, source_id=vehicle.pk,
                     assignee=_active(vehicle.owner.responsible), role=SALES_QUEUE,
                     body=_("Dear %(name)s, today %(plate)s has been with you for %(years)s "
                            "year(s). Thank you for your trust! %(store)s") % {
                         "name": vehicle.owner.name, "plate": vehicle.plate or vehicle.vin,
                         "years": years, "store": run.store.name})


def _churn_winback(run: _Run) -> None:
    """Owners whose category is churned (CS-4 流失): a win-back call by the customer
    service queue, at most one every 6 months per customer."""
    since = due_at(clock.add_months(run.today, -WINBACK_EVERY_MONTHS))
    recent = FollowUp.objects.filter(store=run.store, kind=K.CHURN_WINBACK, due_at__gt=since)
    customers = (Customer.objects.for_store(run.store)
                 .filter(category=CustomerCategory.CHURNED, merged_into__isnull=True)
                 .exclude(pk__in=recent.values("customer_id")).order_by("id"))
    for customer in customers:
        run.schedule(kind=K.CHURN_WINBACK, customer=customer, day=run.today,
                     source_type=CUSTOMER, source_id=customer.pk, role=CARE_QUEUE,
                     channel=FollowUpChannel.PHONE)


def _lost_lead_revisit(run: _Run) -> None:
    """Leads lost ``lost_lead_revisit_months`` ago (3): the consultant (else the queue)
    calls again, unless the customer has an open lead by now."""
    months = run.settings.lost_lead_revisit_months
    first, last = run.days[0], run.days[-1]
    leads = (Lead.objects.for_store(run.store)
             .filter(status=LeadStatus.LOST,
                     closed_at__gte=_day_start(clock.add_months(first, -months)
                                               - dt.timedelta(days=3)),
                     closed_at__lt=_day_start(clock.add_months(last, -months)
                                              + dt.timedelta(days=4)),
                     customer__merged_into__isnull=True)
             .exclude(customer__leads__status__in=[LeadStatus.OPEN, LeadStatus.LOSS_REQUESTED])
             .select_related("customer", "consultant").order_by("closed_at", "id").distinct())
    for lead in leads:
        day = clock.add_months(timezone.localtime(lead.closed_at).date(), months)
        if not first <= day <= last:
            continue
        run.schedule(kind=K.LOST_LEAD_REVISIT, customer=lead.customer, day=day,
                     source_type=LEAD, source_id=lead.pk, assignee=_active(lead.consultant),
                     role=SALES_QUEUE, channel=FollowUpChannel.PHONE)


RULES = (_maintenance_due, _first_maintenance, _insurance_expiry, _warranty_ending,
         _birthday, _purchase_anniversary, _churn_winback, _lost_lead_revisit)


@service_transaction
def reminders_create(*, store, today: dt.date | None = None) -> dict[str, int]:
    """CR-5: create the reminder tasks (and SMS, with consent) of ``today`` for ``store``;
    returns how many tasks of each kind are new. Running it again creates nothing twice."""
    run = _Run(store=store, today=today or clock.today(), settings=care_settings(store))
    with translation.override(django_settings.LANGUAGE_CODE):
        for rule in RULES:
            rule(run)
            run.flush()
    return {str(kind): count for kind, count in run.counts.items()}
