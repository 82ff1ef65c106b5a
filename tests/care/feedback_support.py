"""Fixtures of the feedback tests (CR-6 … CR-9): the BJ01 team and a customer."""

from __future__ import annotations

import pytest

from siwei.care.classification import Suggestion
from siwei.care.services.feedback import feedback_create

__all__ = ["customer", "no_suggestion", "team"]  # the fixtures, for ``import *`` in the tests


@pytest.fixture
def team(staff, store_bj):
    class Team:
        cs = staff("customer_service", store=store_bj)
        sales_manager = staff("sales_manager", store=store_bj)
        service_manager = staff("service_manager", store=store_bj)
        parts_manager = staff("parts_manager", store=store_bj)
        store_manager = staff("store_manager", store=store_bj)
        consultant = staff("sales_consultant", store=store_bj)

    return Team


@pytest.fixture
def customer(team, store_bj):
    from siwei.crm.services import customer_create

    return customer_create(actor=team.cs, store=store_bj, name="周杰", mobile="13512345678")


@pytest.fixture
def no_suggestion(monkeypatch):
    """The classifier is another area's; these tests pin what it suggests."""
    monkeypatch.setattr("siwei.care.classification.suggest",
                        lambda *, group_id, text: Suggestion("", ""))


def complaint(team, store, customer=None, **kwargs):
    values = {"channel": "phone", "subject": "保养等待时间过长",
              "content": "上午九点到店保养，下午两点才交车，没人告知进度。",
              "kind": "complaint", "category": "waiting_time", "customer": customer,
              "contact_name": "" if customer else "匿名客户",
              "contact_phone": "" if customer else "13900001111"}
    values.update(kwargs)
    return feedback_create(actor=team.cs, store=store, **values)
