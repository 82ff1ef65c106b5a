"""Helpers of the workshop tests: signed repair orders built through the order services."""

from __future__ import annotations

import datetime as dt
import itertools

from siwei.core import clock as clock_module
from siwei.service.services.orders import (
    repair_order_add_job,
    repair_order_approve_contract,
    repair_order_open,
    repair_order_sign,
)

_mileage = itertools.count(20000, 500)


def open_ro(crew, store, car, operations, *, jobs=("oil", "brakes"), hours_to_promise=6,
            sign=True, category="maintenance", contract=False, comeback_of=None):
    """A repair order of ``car`` with one job per operation named, signed by phone."""
    customer, vehicle = car
    ro = repair_order_open(
        actor=crew.advisor, store=store, customer=customer, vehicle=vehicle,
        category=category, mileage=next(_mileage),
        promised_at=clock_module.now() + dt.timedelta(hours=hours_to_promise),
        complaints=["保养"], comeback_of=comeback_of)
    for key in jobs:
        repair_order_add_job(actor=crew.advisor, repair_order=ro, operation=operations[key])
    if sign:
        ro = repair_order_sign(actor=crew.advisor, repair_order=ro, signed_by_name="周杰",
                               phone_consent=True)
    if contract:
        ro = repair_order_approve_contract(actor=crew.manager, repair_order=ro)
    ro.refresh_from_db()
    return ro


def jobs_of(ro):
    return list(ro.jobs.order_by("id"))
