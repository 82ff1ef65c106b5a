"""A customer's erasure request (PIPL right to deletion, quality.md "Security and personal
data"): the person is anonymised while the financial records stay intact and linked.

What is erased: the customer's name (replaced by ``已删除客户 #<id>``), mobile, resident
ID, credit code, birthday, gender, address, district, occupation, family notes, tags, VIP
reason and the referral link; the contact persons of a company; every marketing consent
(withdrawn, dated); the free text written about the person (contact history, lead loss
details, showroom visitor name and mobile, complaint contact and text, follow-up results
and attempt notes, free-text survey answers, test-drive licence number and feedback,
message addresses and texts, replies). Open leads become dormant, pending follow-ups are
cancelled and queued messages are not sent. The customer's vehicles keep VIN and plate
(they belong to the car: warranty, recalls) but no longer have an owner.

What is kept unchanged: sales orders, repair orders, payments, invoices, receivables,
warranty claims and their numbers and amounts, still linked to the (anonymised) customer.

The erasure is refused (409 ``erasure_blocked``) while the customer has an open
document: a sales order not delivered, closed or cancelled; a repair order not released,
closed or cancelled; an appointment still booked, confirmed or arrived; a receivable with
an open amount; a complaint or other feedback not resolved or closed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.errors import DomainError
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction

from ..models import (
    Activity,
    CompanyContact,
    Customer,
    Lead,
    LeadStatus,
    ShowroomVisit,
    Vehicle,
    VehicleOwnership,
)
from .customers import CONSENT_CHANNELS, _derived, customer_category_refresh

ERASE_PERMISSION = "crm.erase_customer"
# Stored data, not a user-facing message: the same in every language of the interface.
ERASED_NAME = "已删除客户 #{id}"
# A non-identifying placeholder for required text fields (the model needs a value).
ERASED_TEXT = "已删除"

# Customer fields cleared to their empty value.
_CLEARED_FIELDS = {
    "mobile": "", "mobile_last4": "", "gender": "", "birthday": None, "id_number": "",
    "credit_code": "", "address": "", "district": "", "occupation": "", "family_notes": "",
    "tags": "", "vip_reason": "", "vip_by_manager": False, "referred_by": None,
}

_OPEN_SALES_ORDER = ("delivered", "closed", "cancelled")
_OPEN_REPAIR_ORDER = ("released", "closed", "cancelled")
_OPEN_APPOINTMENT = ("booked", "confirmed", "arrived")
_OPEN_FEEDBACK = ("resolved", "closed")


def customer_erasure_blockers(*, customer: Customer) -> list[str]:
    """The numbers (or descriptions) of the customer's open documents that stop an
    erasure; empty when the customer may be erased."""
    from siwei.care.models import Feedback
    from siwei.finance.models import Receivable
    from siwei.sales.models import SalesOrder
    from siwei.service.models import Appointment, RepairOrder

    blockers: list[str] = []
    blockers += SalesOrder.objects.filter(customer=customer).exclude(
        status__in=_OPEN_SALES_ORDER).values_list("number", flat=True)
    blockers += RepairOrder.objects.filter(customer=customer).exclude(
        status__in=_OPEN_REPAIR_ORDER).values_list("number", flat=True)
    blockers += Appointment.objects.filter(customer=customer,
                                           status__in=_OPEN_APPOINTMENT).values_list(
        "number", flat=True)
    blockers += Feedback.objects.filter(customer=customer).exclude(
        status__in=_OPEN_FEEDBACK).values_list("number", flat=True)
    for receivable in Receivable.objects.filter(customer=customer, open_amount__gt=0):
        blockers.append(receivable.description or _("Receivable of %(date)s") % {
            "date": receivable.arose_on.isoformat()})
    return sorted(blockers)


def _anonymise_person(customer: Customer, *, now) -> None:
    for field, value in _CLEARED_FIELDS.items():
        setattr(customer, field, value)
    customer.name = ERASED_NAME.format(id=customer.pk)
    for channel in CONSENT_CHANNELS:
        setattr(customer, f"consent_{channel}", False)
        setattr(customer, f"consent_{channel}_at", now)
    customer.erased_at = now
    _derived(customer)
    customer.full_clean(exclude=["store", "group"])
    customer.save()


def _unlink_vehicles(customer: Customer, *, today) -> int:
    """The cars keep VIN and plate but lose their owner; the ownership ends today."""
    VehicleOwnership.objects.filter(customer=customer, end__isnull=True).update(end=today)
    return Vehicle.objects.filter(owner=customer).update(owner=None)


def _clear_sales_contacts(customer: Customer, *, now) -> dict[str, int]:
    counts = {
        "contacts_deleted": CompanyContact.objects.filter(customer=customer).delete()[0],
        "activities_cleared": Activity.objects.filter(customer=customer).update(
            content="", outcome="", next_step=""),
        "leads_closed": Lead.objects.filter(
            customer=customer, status__in=[LeadStatus.OPEN, LeadStatus.LOSS_REQUESTED]).update(
            status=LeadStatus.DORMANT, next_follow_up_at=None, closed_at=now),
    }
    Lead.objects.filter(customer=customer).update(loss_detail="")
    counts["visits_cleared"] = ShowroomVisit.objects.filter(customer=customer).update(
        visitor_name="", visitor_mobile="", notes="")
    from siwei.sales.models import TestDrive

    TestDrive.objects.filter(customer=customer).update(licence_number=ERASED_TEXT,
                                                       feedback="")
    return counts


def _clear_care(customer: Customer) -> dict[str, int]:
    from siwei.care.models import (
        Answer,
        Feedback,
        FeedbackEvent,
        FollowUp,
        FollowUpAttempt,
        FollowUpStatus,
        InboundMessage,
        Message,
        MessageStatus,
        SkipReason,
    )
    from siwei.care.models.surveys import AnswerType

    messages = Message.objects.filter(customer=customer)
    stopped = messages.filter(status=MessageStatus.QUEUED, is_marketing=True).update(
        status=MessageStatus.SKIPPED, skip_reason=SkipReason.NO_CONSENT)
    stopped += messages.filter(status=MessageStatus.QUEUED).update(
        status=MessageStatus.SKIPPED, skip_reason=SkipReason.NO_ADDRESS)
    messages.update(to="", body=ERASED_TEXT)
    InboundMessage.objects.filter(customer=customer).update(sender=ERASED_TEXT,
                                                            body=ERASED_TEXT)
    follow_ups = FollowUp.objects.filter(customer=customer)
    cancelled = follow_ups.filter(status=FollowUpStatus.PENDING).update(
        status=FollowUpStatus.CANCELLED)
    follow_ups.update(result="")
    FollowUpAttempt.objects.filter(follow_up__customer=customer).update(note="")
    Answer.objects.filter(response__customer=customer,
                          question__answer_type=AnswerType.TEXT).update(text="")
    feedback = Feedback.objects.filter(customer=customer)
    FeedbackEvent.objects.filter(feedback__in=feedback).update(note="")
    feedback.update(contact_name="", contact_phone="", content=ERASED_TEXT)
    return {"messages_stopped": stopped, "follow_ups_cancelled": cancelled}


@service_transaction
def customer_erase(*, actor, customer: Customer, reason: str) -> Customer:
    """Anonymise the customer at their request, keeping the financial records (see the
    module's docstring). Needs ``crm.erase_customer`` in the customer's store and a
    reason; refused with ``erasure_blocked`` (the open documents in ``documents``) while
    a document is open, and with ``already_erased`` the second time. The audit event
    records what was done, never the erased values."""
    if actor is not None and not has_store_perm(actor, customer.store, ERASE_PERMISSION):
        raise PermissionDenied(_("You may not erase customers' personal data."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the erasure.")]})
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.erased_at is not None:
        raise DomainError("already_erased",
                          _("This customer's personal data has already been erased."))
    if customer.merged_into_id is not None:
        raise DomainError("customer_merged",
                          _("This record was merged; erase the customer it was merged into."))
    blockers = customer_erasure_blockers(customer=customer)
    if blockers:
        raise DomainError(
            "erasure_blocked",
            _("The customer still has open documents (%(documents)s); finish or cancel "
              "them first.") % {"documents": ", ".join(blockers)},
            documents=blockers)
    now, today = clock.now(), clock.today()
    done: dict[str, Any] = {}
    # Duplicates merged into this customer are the same person: erase them too.
    duplicates = list(Customer.objects.select_for_update().filter(merged_into=customer))
    old_mobile = customer.mobile
    done["vehicles_unlinked"] = _unlink_vehicles(customer, today=today)
    done.update(_clear_sales_contacts(customer, now=now))
    done.update(_clear_care(customer))
    if old_mobile:
        # Walk-ins who left this number but were never linked to the customer.
        ShowroomVisit.objects.filter(
            Q(visitor_mobile=old_mobile), store__group_id=customer.group_id).update(
            visitor_name="", visitor_mobile="")
    for duplicate in duplicates:
        _anonymise_person(duplicate, now=now)
    done["duplicates_erased"] = len(duplicates)
    _anonymise_person(customer, now=now)
    customer_category_refresh(customer=customer)
    audit_record(actor=actor, action="customer.erase", obj=customer,
                 after={"reason": reason[:200], **done})
    return customer
