"""The permission matrix of the main pages (quality.md "Security": permissions per role and
store, enforced on the server, not only by hiding menu entries).

``PAGE_MATRIX`` names, for each main page (by URL name), the roles that may open it in
their active store; it is written from the spec's role table, not read from the views.
Each of the 16 roles of store A (BJ01, the active store of the session) opens the page: a
role of the row gets 200, every other role 403. An anonymous visitor is sent to the login
page. A detail page of a store A record answers 404 to store B's manager, even when the
session names store A (the switch only accepts the user's own stores).
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from siwei.core.middleware import SESSION_KEY
from siwei.core.roles import ROLE_CODES

from .permissions_matrix_support import (
    APPOINTMENT_READERS,
    CALLERS,
    CARE_READERS,
    CASHIER,
    CLOSE_READERS,
    COMPLAINT_HANDLERS,
    CUSTOMER_READERS,
    DISPATCH,
    EVERYONE,
    IMPORTERS,
    INVOICE_READERS,
    LEAD_READERS,
    LEDGER_READERS,
    PARTS,
    RECEIVABLE_READERS,
    REFUND_READERS,
    REQUESTERS,
    RO_READERS,
    SALES_ORDER_READERS,
    SERVICE_DESK,
    SERVICE_MANAGER,
    SHOWROOM,
    SHOWROOM_READERS,
    STOCK_READERS,
    STORE_B,
    TECHNICIAN,
    TOP,
    VEHICLE_STOCK_READERS,
    WARRANTY_READERS,
    demo_world,
    login_name,
    roles,
)

pytestmark = pytest.mark.django_db

PAGE_MATRIX: dict[str, frozenset[str]] = {
    "home": EVERYONE,
    "crm:customers": CUSTOMER_READERS,
    "crm:customer": CUSTOMER_READERS,
    "crm:leads": LEAD_READERS,
    "crm:showroom": SHOWROOM,  # the receptionist's desk that logs visits
    "sales:orders": SALES_ORDER_READERS,
    "sales:order": SALES_ORDER_READERS,
    "sales:stock": VEHICLE_STOCK_READERS,
    "sales:test-drives": SHOWROOM_READERS,
    "service:appointments": APPOINTMENT_READERS,
    "service:appointment": APPOINTMENT_READERS,
    "service:ro-list": RO_READERS,
    "service:ro": RO_READERS,
    "service:ro-reception": SERVICE_DESK,
    "service:workshop-board": DISPATCH,
    "service:workshop-my-jobs": TECHNICIAN,
    "service:settings": SERVICE_MANAGER,  # rates, labour operations, the store's rules
    "service:warranty-claims": WARRANTY_READERS,
    "parts:stock": STOCK_READERS,  # the parts catalogue and stock lookup
    "parts:queue": REQUESTERS,
    "parts:po-list": PARTS,
    "parts:po-detail": PARTS,
    "parts:moves": LEDGER_READERS,
    "parts:stocktakes": PARTS,
    "care:followups": CALLERS,
    "care:feedback": COMPLAINT_HANDLERS,  # the complaints desk
    "care:feedback-detail": COMPLAINT_HANDLERS,
    "care:campaigns": CARE_READERS,
    "finance:cashier": CASHIER,
    "finance:refunds": REFUND_READERS,
    "finance:daily-closes": CLOSE_READERS,
    "finance:invoices": INVOICE_READERS,
    "finance:receivables": RECEIVABLE_READERS,
    "reports:index": EVERYONE,  # lists only the reports the user may open
    "reports:imports": IMPORTERS,
    "reports:exports": TOP,
    "core:staff": TOP,
    "core:roles": TOP,
    "core:audit": roles("sales_manager", "service_manager"),
}

# Detail pages: the model of the store A record they show.
PAGE_RECORDS = {
    "crm:customer": "crm.Customer",
    "sales:order": "sales.SalesOrder",
    "service:appointment": "service.Appointment",
    "service:ro": "service.RepairOrder",
    "parts:po-detail": "parts.PurchaseOrder",
    "care:feedback-detail": "care.Feedback",
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from demo_world(django_db_blocker)


def _url(world, name: str) -> str:
    label = PAGE_RECORDS.get(name)
    if label is None:
        return reverse(name)
    pk = (apps.get_model(label)._default_manager.filter(store=world.store_a)
          .order_by("pk").values_list("pk", flat=True).first())
    assert pk is not None, f"no {label} in store A for {name}"
    return reverse(name, args=[pk])


def _client(user, store) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = store.pk  # the store switch of the page header
    session.save()
    return client


@pytest.mark.parametrize("name", sorted(PAGE_MATRIX))
def test_page_admits_exactly_the_roles_of_its_row(name, world):
    allowed = PAGE_MATRIX[name]
    users = world.users()
    url = _url(world, name)
    problems = []

    response = Client().get(url)
    if response.status_code != 302 or "/accounts/login/" not in response["Location"]:
        problems.append(f"anonymous: {response.status_code}, expected a redirect to login")
    if name in PAGE_RECORDS:
        outsider = _client(users[login_name("store_manager", STORE_B)], world.store_a)
        status = outsider.get(url).status_code
        if status not in (403, 404):
            problems.append(f"store B's manager on store A's record: {status}, expected 404")

    for role in ROLE_CODES:
        status = _client(users[login_name(role)], world.store_a).get(url).status_code
        expected = 200 if role in allowed else 403
        if status != expected:
            problems.append(f"{role}: {status}, expected {expected}")
    assert not problems, f"{name} ({url}):\n" + "\n".join(problems)
