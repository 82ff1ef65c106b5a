"""Shared pieces of the permission matrix tests (quality.md "Security": every API endpoint
and main page × role): the small demo dealership built once per test module, its logins
(one per role in each of BJ01 and SH01), and the list of API endpoints read from the
router."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from siwei.core.roles import ROLE_CODES

STORE_A, STORE_B = "BJ01", "SH01"
EVERYONE = frozenset(ROLE_CODES)
# Roles that hold every permission of their store (the group admin: of every store).
TOP = frozenset({"group_admin", "store_manager"})


def roles(*codes: str) -> frozenset[str]:
    """A row of the matrix: the two top roles plus ``codes``; unknown codes fail at once."""
    unknown = set(codes) - EVERYONE
    assert not unknown, f"unknown roles in the matrix: {sorted(unknown)}"
    return TOP | frozenset(codes)


def login_name(role: str, store_code: str = STORE_A) -> str:
    """The demo login of ``role`` in a store (the group admin has one login for all)."""
    return "group_admin" if role == "group_admin" else f"{store_code.lower()}_{role}"


# ---------------------------------------------------------------- who is who
# The role sets the matrices are written with (spec README, "Who uses it", and each
# app's role defaults).
SALES = roles("sales_manager", "sales_consultant")
SALES_MANAGER = roles("sales_manager")
SERVICE_DESK = roles("service_manager", "service_advisor")
SERVICE_MANAGER = roles("service_manager")
PARTS = roles("parts_clerk", "parts_manager")
PARTS_MANAGER = roles("parts_manager")
CASHIER = roles("cashier")
FINANCE = roles("finance")
CASH_AND_FINANCE = roles("cashier", "finance")
CUSTOMER_SERVICE = roles("customer_service")
# A technician, a QC inspector and a parts clerk do not read customer records.
CUSTOMER_READERS = roles("sales_manager", "sales_consultant", "receptionist", "service_manager",
                         "service_advisor", "foreman", "parts_manager", "warranty_clerk",
                         "cashier", "customer_service", "finance")
CUSTOMER_EDITORS = roles("sales_manager", "sales_consultant", "service_manager",
                         "service_advisor")
VEHICLE_READERS = CUSTOMER_READERS | {"technician", "parts_clerk"}
LEAD_READERS = roles("sales_manager", "sales_consultant", "customer_service")
SHOWROOM = roles("sales_manager", "receptionist")
SHOWROOM_READERS = SHOWROOM | {"sales_consultant"}
# Sales orders: sales, the cashier and finance, customer service for its calls; never
# the workshop.
SALES_ORDER_READERS = roles("sales_manager", "sales_consultant", "cashier", "customer_service",
                            "finance")
VEHICLE_STOCK_READERS = roles("sales_manager", "sales_consultant", "receptionist", "cashier",
                              "finance")
RO_READERS = roles("service_manager", "service_advisor", "foreman", "technician",
                   "qc_inspector", "parts_clerk", "parts_manager", "warranty_clerk", "cashier",
                   "customer_service")
APPOINTMENT_READERS = RO_READERS | {"receptionist"}
DISPATCH = roles("service_manager", "foreman")
TECHNICIAN = roles("technician")
PARTS_ANALYSTS = roles("service_manager", "parts_manager", "finance")
PROFIT_READERS = roles("sales_manager", "service_manager", "finance")
DEPARTMENT_MANAGERS = roles("sales_manager", "service_manager", "parts_manager")
CREDIT_READERS = roles("sales_manager", "service_manager", "cashier", "finance")
FINAL_INSPECTORS = roles("service_manager", "qc_inspector")
INSPECTION_READERS = roles("service_manager", "service_advisor", "foreman", "technician",
                           "qc_inspector", "warranty_clerk")
WARRANTY = roles("service_manager", "warranty_clerk")
WARRANTY_READERS = WARRANTY | {"service_advisor"}
KNOWLEDGE_READERS = INSPECTION_READERS
KNOWLEDGE_WRITERS = roles("service_manager", "foreman", "technician", "qc_inspector")
KNOWLEDGE_APPROVERS = roles("service_manager", "qc_inspector")
EQUIPMENT_USERS = roles("service_manager", "foreman", "technician", "qc_inspector")
TOOL_LOANS = roles("service_manager", "foreman")
SHIFT_READERS = roles("service_manager", "service_advisor", "foreman")
MAINTENANCE_READERS = roles("service_manager", "service_advisor", "warranty_clerk")
STOCK_READERS = roles("service_manager", "service_advisor", "foreman", "technician",
                      "parts_clerk", "parts_manager", "warranty_clerk", "finance")
REQUESTERS = roles("foreman", "technician", "parts_clerk", "parts_manager")
RESERVERS = roles("service_advisor", "parts_clerk", "parts_manager")
LEDGER_READERS = roles("parts_clerk", "parts_manager", "finance")
PAYMENT_READERS = roles("sales_manager", "sales_consultant", "service_manager",
                        "service_advisor", "cashier", "finance")
CLOSE_READERS = roles("sales_manager", "service_manager", "finance")
REFUND_READERS = CLOSE_READERS | {"cashier"}
INVOICE_READERS = roles("sales_manager", "service_manager", "cashier", "finance")
RECEIVABLE_READERS = roles("sales_manager", "service_manager", "warranty_clerk", "cashier",
                           "finance")
CALLERS = roles("sales_manager", "sales_consultant", "service_manager", "service_advisor",
                "customer_service")
CARE_MANAGERS = roles("sales_manager", "service_manager")
CARE_READERS = CARE_MANAGERS | {"customer_service"}
COMPLAINT_HANDLERS = CARE_READERS | {"parts_manager"}
FEEDBACK_TAKERS = roles("sales_manager", "sales_consultant", "receptionist", "service_manager",
                        "service_advisor", "customer_service")
RENEWALS = roles("service_manager", "customer_service")
IMPORTERS = roles("sales_manager", "parts_manager")

# ---------------------------------------------------------------- API endpoints
_PARAM = re.compile(r"\(\?P<(\w+)>[^)]*\)")


@dataclass(frozen=True)
class Endpoint:
    """One method on one route of the API router: ``GET sales-orders/{pk}/``."""

    method: str
    template: str
    prefix: str
    action: str

    @property
    def key(self) -> str:
        return f"{self.method} {self.template}"

    @property
    def is_detail(self) -> bool:
        return "{pk}" in self.template


def _path_values() -> dict[str, list[str]]:
    """Path parts other than ``pk`` name registered things: each is its own row."""
    from siwei.core import reporting
    from siwei.reports.printing.registry import DOCUMENTS

    return {"doc": sorted(DOCUMENTS), "key": sorted(reporting.all_reports())}


def _concrete(template: str, values: dict[str, list[str]]) -> list[str]:
    for name, choices in values.items():
        if "{" + name + "}" in template:
            return [t for choice in choices
                    for t in _concrete(template.replace("{" + name + "}", choice), values)]
    return [template]


def api_endpoints() -> dict[str, Endpoint]:
    """Every method of every route the API router serves, keyed ``"METHOD template"``.
    Print documents and reports are one route each with a ``{doc}``/``{key}`` part: each
    document and report is its own row."""
    from siwei.core.api.urls import router

    prefixes = {basename: prefix for prefix, _viewset, basename in router.registry}
    values = _path_values()
    found: dict[str, Endpoint] = {}
    for pattern in router.urls:
        callback = pattern.callback
        actions = getattr(callback, "actions", None)
        regex = str(pattern.pattern)
        if not actions or "(?P<format>" in regex:
            continue  # the API root, and the ``.json`` twins of each route
        template = _PARAM.sub(lambda m: "{" + m.group(1) + "}", regex.strip("^$"))
        basename = callback.initkwargs.get("basename")
        served = callback.cls.http_method_names
        for method, action in actions.items():
            # DRF adds ``head`` to a route's actions once it has answered a GET: the same
            # permission as the GET, not an endpoint of its own.
            if method == "head" or method not in served:
                continue  # answered 405 for everyone: not an endpoint
            for concrete in _concrete(template, values):
                endpoint = Endpoint(method.upper(), concrete, prefixes[basename], action)
                found[endpoint.key] = endpoint
    return found


# ---------------------------------------------------------------- the demo dealership
@dataclass
class World:
    """What the matrix tests need from the demo: the two stores and one record of each
    resource in store A."""

    store_a: object
    store_b: object
    records: dict[str, int]
    store_owned: frozenset[str]  # record keys whose record only store A may see

    def users(self) -> dict[str, object]:
        """Fresh user rows for every login (no permission cache carried between tests)."""
        return {u.username: u for u in get_user_model().objects.filter(
            employee__isnull=False).select_related("employee")}


def _first_pk(model, store, **filters) -> int | None:
    queryset = model._default_manager.filter(**filters)
    if any(f.name == "store" for f in model._meta.get_fields()):
        queryset = queryset.filter(store=store)
    elif any(f.name == "group" for f in model._meta.get_fields()):
        queryset = queryset.filter(group=store.group)
    return queryset.order_by("pk").values_list("pk", flat=True).first()


def _missing_records(store, admin) -> None:
    """Rows the small demo does not make, so that every detail route has a record."""
    from siwei.parts.models import Part
    from siwei.reports.models import ImportJob, StoreExport
    from siwei.service.models import FailedPartTag, StoreCalendarDay, WarrantyClaim

    now = timezone.now()
    StoreCalendarDay.objects.create(store=store, day=dt.date(2026, 12, 31), is_working=False,
                                    note="年末盘点")
    claim = WarrantyClaim.objects.filter(store=store).order_by("pk").first()
    part = Part.objects.order_by("pk").first()
    FailedPartTag.objects.create(store=store, claim=claim, part=part, quantity=1,
                                 tag="T-0001", tagged_at=now)
    StoreExport.objects.create(store=store, created_by=admin, created_at=now)
    ImportJob.objects.create(store=store, kind="customers", file="imports/customers.xlsx",
                             filename="customers.xlsx", created_by=admin, created_at=now)


# Store-owned records that store B sees too: a transfer belongs to both its stores; the
# knowledge base is shared by every store of the group (SV-19).
SHARED_WITH_STORE_B = frozenset({"transfers", "knowledge-entries"})


def _is_store_owned(model) -> bool:
    return any(f.name == "store" for f in model._meta.get_fields())


def record_pks(store) -> tuple[dict[str, int], frozenset[str]]:
    """One record of store A per router prefix (and per print document), and which of
    them belong to store A alone (the others are group master data: parts, suppliers,
    the knowledge base)."""
    from siwei.core.api.urls import router
    from siwei.reports.printing.registry import DOCUMENTS

    pks: dict[str, int] = {}
    owned: set[str] = set()
    for prefix, viewset, _basename in router.registry:
        queryset = getattr(viewset, "queryset", None)
        if queryset is not None:
            pk = _first_pk(queryset.model, store)
            if pk is not None:
                pks[prefix] = pk
                if _is_store_owned(queryset.model) and prefix not in SHARED_WITH_STORE_B:
                    owned.add(prefix)
    pks["stores"] = store.pk
    from siwei.finance.models import Payment
    from siwei.parts.models import Part, Stocktake
    from siwei.sales.models import SalesOrder
    from siwei.service.models import RepairOrder

    by_document = {
        "gate-pass": (RepairOrder, {"gate_pass_number__gt": ""}),
        "completion-certificate": (RepairOrder, {"certificate_number__gt": ""}),
        "receipt": (Payment, {}),
        "part-labels": (Part, {}),
        "stocktake-sheet": (Stocktake, {}),
    }
    for doc in DOCUMENTS:
        model, filters = by_document.get(
            doc, (SalesOrder, {}) if doc.startswith(("sales", "delivery")) else (RepairOrder, {}))
        pk = _first_pk(model, store, **filters)
        if pk is not None:
            pks[f"print/{doc}"] = pk
            if _is_store_owned(model):
                owned.add(f"print/{doc}")
    return pks, frozenset(owned)


def demo_world(django_db_blocker):
    """For a module-scoped fixture: the small demo (stores BJ01 and SH01, one login per
    role in each) built once for the module inside a transaction that is rolled back at its
    end; each test runs in a savepoint of it."""
    from siwei.core.models import Role, Store
    from siwei.core.roles import sync_roles
    from siwei.demo.builder import build_demo

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            if not Role.objects.exists():
                sync_roles()
            build_demo(small=True)
            store_a, store_b = Store.objects.get(code=STORE_A), Store.objects.get(code=STORE_B)
            _missing_records(store_a, get_user_model().objects.get(username="group_admin"))
            yield World(store_a, store_b, *record_pks(store_a))
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
