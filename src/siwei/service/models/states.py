"""States of appointments and repair orders, with their transition tables
(SV-4, SV-16). Every change of state goes through a service that checks these."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from siwei.core.enums import Transitions, colored


@colored(booked="primary", confirmed="info", arrived="success", done="secondary",
         cancelled="light", no_show="danger", rescheduled="warning")
class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CONFIRMED = "confirmed", _("Confirmed")
    ARRIVED = "arrived", _("Arrived")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")
    RESCHEDULED = "rescheduled", _("Rescheduled")


A = AppointmentStatus
APPOINTMENT_FLOW = Transitions({
    "confirm": ([A.BOOKED], A.CONFIRMED),
    "arrive": ([A.BOOKED, A.CONFIRMED], A.ARRIVED),
    "finish": ([A.ARRIVED], A.DONE),
    "cancel": ([A.BOOKED, A.CONFIRMED], A.CANCELLED),
    "no_show": ([A.BOOKED, A.CONFIRMED], A.NO_SHOW),
    "reschedule": ([A.BOOKED, A.CONFIRMED], A.RESCHEDULED),
})


@colored(draft="secondary", open="primary", in_progress="info", completed="info",
         inspected="success", settled="warning", paid="success", released="success",
         closed="dark", cancelled="light")
class ROStatus(models.TextChoices):
    """SV-16."""

    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Signed")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Work completed")
    INSPECTED = "inspected", _("Inspected")
    SETTLED = "settled", _("Settled")
    PAID = "paid", _("Paid")
    RELEASED = "released", _("Released")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


R = ROStatus
EDITABLE = [R.DRAFT, R.OPEN, R.IN_PROGRESS, R.COMPLETED]
RO_FLOW = Transitions({
    "edit": (EDITABLE, None),
    "sign": ([R.DRAFT], R.OPEN),
    "start": ([R.OPEN, R.IN_PROGRESS, R.COMPLETED], R.IN_PROGRESS),
    "complete": ([R.IN_PROGRESS], R.COMPLETED),
    "inspect": ([R.COMPLETED], R.INSPECTED),
    "rework": ([R.COMPLETED, R.INSPECTED], R.IN_PROGRESS),
    "settle": ([R.INSPECTED], R.SETTLED),
    "reopen_settlement": ([R.SETTLED], R.INSPECTED),
    "pay": ([R.SETTLED], R.PAID),
    "release": ([R.PAID, R.SETTLED], R.RELEASED),
    "close": ([R.RELEASED], R.CLOSED),
    "cancel": ([R.DRAFT, R.OPEN], R.CANCELLED),
})


@colored(pending="secondary", assigned="primary", in_progress="info", paused="warning",
         finished="success", declined="light")
class JobStatus(models.TextChoices):
    PENDING = "pending", _("Not assigned")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("Working")
    PAUSED = "paused", _("Paused")
    FINISHED = "finished", _("Finished")
    DECLINED = "declined", _("Declined by the customer")


J = JobStatus
JOB_FLOW = Transitions({
    "assign": ([J.PENDING, J.ASSIGNED, J.PAUSED], J.ASSIGNED),
    "start": ([J.ASSIGNED], J.IN_PROGRESS),
    "pause": ([J.IN_PROGRESS], J.PAUSED),
    "resume": ([J.PAUSED], J.IN_PROGRESS),
    "finish": ([J.IN_PROGRESS], J.FINISHED),
    "rework": ([J.FINISHED], J.ASSIGNED),
    "decline": ([J.PENDING, J.ASSIGNED], J.DECLINED),
})


class ApprovalChannel(models.TextChoices):
    """SV-11: how the customer approved additional work."""

    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    WECHAT = "wechat", _("WeChat")
