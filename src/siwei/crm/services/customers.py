"""Customers (CS-1, CS-2, CS-4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    Max,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record, snapshot
from siwei.core.errors import DomainError
from siwei.core.models import Store
from siwei.core.permissions import has_store_perm
from siwei.core.pinyin import full_pinyin, initials
from siwei.core.transactions import service_transaction
from siwei.core.validators import (
    resident_id_birthday,
    resident_id_gender,
    validate_credit_code,
    validate_mobile,
    validate_resident_id,
)

from ..models import Customer, CustomerCategory, CustomerKind, Lead, LeadStatus, Vehicle

EDITABLE_FIELDS = (
    "kind", "name", "mobile", "gender", "birthday", "id_number", "credit_code", "address",
    "district", "occupation", "family_notes", "source", "tags", "responsible", "referred_by",
)
AUDITED_FIELDS = ("name", "mobile", "id_number", "credit_code", "kind", "responsible")
CONSENT_CHANNELS = ("sms", "phone", "wechat")


def _normalise(data: dict[str, Any], *, today: dt.date) -> dict[str, Any]:
    """Validate and normalise the CS-2 fields; errors name the field."""
    errors: dict[str, list] = {}
    cleaned = dict(data)
    for field, check in (("mobile", validate_mobile), ("credit_code", validate_credit_code)):
        if cleaned.get(field):
            try:
                cleaned[field] = check(cleaned[field])
            except ValidationError as exc:
                errors[field] = exc.messages
    if cleaned.get("id_number"):
        try:
            cleaned["id_number"] = validate_resident_id(cleaned["id_number"], today=today)
        except ValidationError as exc:
            errors["id_number"] = exc.messages
        else:
            # CS-2: birthday and gender can be filled from the resident ID.
            cleaned.setdefault("birthday", None)
            cleaned["birthday"] = cleaned["birthday"] or resident_id_birthday(cleaned["id_number"])
            cleaned["gender"] = cleaned.get("gender") or resident_id_gender(cleaned["id_number"])
    kind = cleaned.get("kind") or CustomerKind.PERSON
    if not (cleaned.get("name") or "").strip():
        errors["name"] = [_("Enter the customer's name.")]
    if kind == CustomerKind.COMPANY and cleaned.get("id_number"):
        errors["id_number"] = [_("A company has a credit code, not a resident ID.")]
    if errors:
        raise ValidationError(errors)
    cleaned["name"] = cleaned["name"].strip()
    return cleaned


def _derived(customer: Customer) -> None:
    customer.name_pinyin = full_pinyin(customer.name)[:200]
    customer.name_initials = initials(customer.name)[:50]
    customer.mobile_last4 = customer.mobile[-4:] if customer.mobile else ""


def _duplicate_of(*, group_id: int, mobile: str, exclude_id: int | None = None):
    if not mobile:
        return None
    found = Customer.objects.filter(group_id=group_id, mobile=mobile, merged_into__isnull=True,
                                    kind=CustomerKind.PERSON)
    if exclude_id:
        found = found.exclude(pk=exclude_id)
    return found.order_by("id").first()


@service_transaction
def customer_create(*, actor, store: Store, allow_no_mobile: bool = False,
                    **data: Any) -> Customer:
    """Create a customer in ``store``. A person with the mobile of an existing person of the
    group is refused with ``duplicate_customer`` and the existing id (CS-1)."""
    unknown = set(data) - set(EDITABLE_FIELDS) - {f"consent_{c}" for c in CONSENT_CHANNELS}
    if unknown:
        raise TypeError(f"unknown customer fields: {sorted(unknown)}")
    consents = {c: bool(data.pop(f"consent_{c}", False)) for c in CONSENT_CHANNELS}
    cleaned = _normalise(data, today=clock.today())
    kind = cleaned.get("kind") or CustomerKind.PERSON
    if kind == CustomerKind.PERSON and not cleaned.get("mobile") and not allow_no_mobile:
        raise ValidationError({"mobile": [_("A person needs a mobile number.")]})
    if kind == CustomerKind.PERSON:
        existing = _duplicate_of(group_id=store.group_id, mobile=cleaned.get("mobile", ""))
        if existing is not None:
            raise DomainError(
                "duplicate_customer",
                _("%(name)s already has this mobile number; use that customer.")
                % {"name": existing.name},
                existing_id=existing.pk,
            )
    customer = Customer(store=store, group_id=store.group_id, **cleaned)
    now = clock.now()
    for channel, given in consents.items():
        setattr(customer, f"consent_{channel}", given)
        setattr(customer, f"consent_{channel}_at", now if given else None)
    _derived(customer)
    customer.full_clean(exclude=["store", "group"])
    customer.save()
    customer_category_refresh(customer=customer)
    audit_record(actor=actor, action="customer.create", obj=customer,
                 after=snapshot(customer, AUDITED_FIELDS))
    return customer


@service_transaction
def customer_update(*, actor, customer: Customer, **data: Any) -> Customer:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown customer fields: {sorted(unknown)}")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    before = snapshot(customer, AUDITED_FIELDS)
    merged = {f: getattr(customer, f) for f in EDITABLE_FIELDS if f not in {"responsible",
                                                                              "referred_by"}}
    merged.update(data)
    cleaned = _normalise(merged, today=clock.today())
    if cleaned.get("mobile") and cleaned["mobile"] != customer.mobile:
        existing = _duplicate_of(group_id=customer.group_id, mobile=cleaned["mobile"],
                                 exclude_id=customer.pk)
        if existing is not None:
            raise DomainError("duplicate_customer",
                              _("%(name)s already has this mobile number.")
                              % {"name": existing.name}, existing_id=existing.pk)
    for field, value in cleaned.items():
        setattr(customer, field, value)
    _derived(customer)
    customer.full_clean(exclude=["store", "group"])
    customer.save()
    after = snapshot(customer, AUDITED_FIELDS)
    if after != before:
        audit_record(actor=actor, action="customer.update", obj=customer, before=before,
                     after=after)
    return customer


@service_transaction
def customer_set_consent(*, actor, customer: Customer, channel: str, given: bool) -> Customer:
    """Record or withdraw marketing consent for one channel, with the date."""
    if channel not in CONSENT_CHANNELS:
        raise ValidationError({"channel": [_("Unknown channel.")]})
    before = getattr(customer, f"consent_{channel}")
    setattr(customer, f"consent_{channel}", given)
    setattr(customer, f"consent_{channel}_at", clock.now())
    customer.save(update_fields=[f"consent_{channel}", f"consent_{channel}_at"])
    audit_record(actor=actor, action="customer.consent", obj=customer,
                 before={channel: before}, after={channel: given})
    return customer


@service_transaction
def customer_set_vip(*, actor, customer: Customer, vip: bool, reason: str) -> Customer:
    """A manager marks a customer VIP (or takes it back), always with a reason (CS-4)."""
    if not has_store_perm(actor, customer.store, "crm.set_vip"):
        raise DomainError("approval_required", _("Only a manager may set VIP."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Give a reason.")]})
    customer.vip_by_manager, customer.vip_reason = vip, reason.strip()
    customer.save(update_fields=["vip_by_manager", "vip_reason"])
    customer_category_refresh(customer=customer)
    audit_record(actor=actor, action="customer.vip", obj=customer, after={"vip": vip,
                                                                          "reason": reason})
    return customer


@service_transaction
def customer_merge(*, actor, keep: Customer, duplicate: Customer) -> Customer:
    """Move everything of ``duplicate`` to ``keep`` and mark the duplicate merged (CS-1)."""
    if not has_store_perm(actor, keep.store, "crm.merge_customer"):
        raise DomainError("approval_required", _("Only a manager may merge customers."))
    if keep.pk == duplicate.pk or keep.group_id != duplicate.group_id:
        raise DomainError("invalid_merge", _("Choose two different customers of one group."))
    from django.apps import apps

    moved = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (getattr(field, "many_to_one", False) and field.related_model is Customer
                    and field.concrete and model is not Customer):
                count = model._default_manager.filter(**{field.name: duplicate}).update(
                    **{field.name: keep})
                if count:
                    moved[f"{model._meta.label_lower}.{field.name}"] = count
    for channel in CONSENT_CHANNELS:
        if getattr(duplicate, f"consent_{channel}") and not getattr(keep, f"consent_{channel}"):
            setattr(keep, f"consent_{channel}", True)
            setattr(keep, f"consent_{channel}_at", getattr(duplicate, f"consent_{channel}_at"))
    keep.save()
    duplicate.merged_into = keep
    duplicate.mobile = ""
    duplicate.mobile_last4 = ""
    duplicate.save(update_fields=["merged_into", "mobile", "mobile_last4"])
    customer_category_refresh(customer=keep)
    audit_record(actor=actor, action="customer.merge", obj=keep,
                 before={"duplicate": duplicate.pk}, after={"moved": moved})
    return keep


# --- CS-4 derived category ------------------------------------------------------------


def category_expression(*, today: dt.date):
    """The CS-4 category of each customer row as one SQL expression, so one customer or a
    whole store is recomputed by a single UPDATE (no per-customer loop)."""
    churn_months = getattr(settings, "SIWEI_CHURN_MONTHS", 12)
    year_ago = clock.add_months(today, -12)
    churn_before = clock.add_months(today, -churn_months)
    owned = Vehicle.objects.filter(owner=OuterRef("pk"))
    last_sale = owned.order_by().values("owner").annotate(d=Max("sale_date")).values("d")
    last_service = (
        owned.filter(odometer__source="service").order_by().values("owner")
        .annotate(day=Max(TruncDate("odometer__at"))).values("day")
    )
    referrals = (
        Lead.objects.filter(referrer=OuterRef("pk"), created_at__date__gte=year_ago)
        .order_by().values("referrer").annotate(n=Count("pk")).values("n")
    )
    last_lead_status = Lead.objects.filter(customer=OuterRef("pk")).order_by(
        "-created_at", "-id").values("status")[:1]
    never = Value(dt.date(1900, 1, 1), output_field=DateField())
    return {
        "annotations": {
            "_owns": Exists(owned),
            "_last_sale": Subquery(last_sale),
            # Owners are churned when neither a sale nor a service visit is recent; NULLs
            # become a date long ago so that the comparison is never unknown.
            "_last_seen": Greatest(Coalesce(Subquery(last_sale), never),
                                   Coalesce(Subquery(last_service), never)),
            "_referrals": Subquery(referrals),
            "_open_lead": Exists(Lead.objects.filter(
                customer=OuterRef("pk"), status__in=[LeadStatus.OPEN, LeadStatus.LOSS_REQUESTED])),
            "_last_lead_status": Subquery(last_lead_status),
        },
        "case": Case(
            When(vip_by_manager=True, then=Value(CustomerCategory.VIP)),
            When(_referrals__gte=3, then=Value(CustomerCategory.VIP)),
            When(_owns=True, _last_seen__lt=churn_before, then=Value(CustomerCategory.CHURNED)),
            When(_owns=True, _last_sale__gte=year_ago, then=Value(CustomerCategory.OWNER_NEW)),
            When(_owns=True, then=Value(CustomerCategory.OWNER_OLD)),
            When(_open_lead=True, then=Value(CustomerCategory.LEAD)),
            When(_last_lead_status=LeadStatus.LOST, then=Value(CustomerCategory.LOST)),
            default=Value(CustomerCategory.PROSPECT),
        ),
    }


def _recompute(queryset) -> int:
    expression = category_expression(today=clock.today())
    rows = list(
        queryset.annotate(**expression["annotations"]).annotate(_category=expression["case"])
        .exclude(category=F("_category")).values_list("pk", "_category")
    )
    by_category: dict[str, list[int]] = {}
    for pk, category in rows:
        by_category.setdefault(category, []).append(pk)
    for category, pks in by_category.items():
        for start in range(0, len(pks), 500):
            Customer.objects.filter(pk__in=pks[start:start + 500]).update(category=category)
    return len(rows)


def customer_category_refresh(*, customer: Customer) -> str:
    """Recompute one customer's category after an event (lead, sale, visit …)."""
    _recompute(Customer.objects.filter(pk=customer.pk))
    customer.category = Customer.objects.values_list("category", flat=True).get(pk=customer.pk)
    return customer.category


@service_transaction
def customer_categories_recompute(*, store: Store) -> int:
    """The nightly recomputation for a store; returns how many customers changed."""
    changed = _recompute(Customer.objects.filter(store=store, merged_into__isnull=True))
    if changed:
        audit_record(actor=None, action="customer.categories", store=store,
                     object_type="crm.customer", after={"changed": changed})
    return changed
