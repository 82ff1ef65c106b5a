"""The permission matrix of the API (quality.md "Security": a test matrix checks every API
endpoint × role).

``API_MATRIX`` below is the specification of who may call what: one row per method of
every route of the API router, naming the roles that may call it in their own store. It is
written from the role table of the spec README and each app's role defaults, not read from
the views. A new endpoint without a row fails ``test_every_api_endpoint_has_a_row``;
adding it is one line.

For every row, in the demo dealership (store A = BJ01, store B = SH01):
- each of the 16 roles of store A calls the endpoint with ``X-Store: BJ01``; a role of the
  row is never refused (no 401/403/405, never a 5xx: 200/201/204, or 400/404/409 for the
  empty probe body), every other role gets 403;
- the store manager of store B is refused with ``X-Store: BJ01`` (403) and, in its own
  store, cannot reach store A's record of a detail route (404);
- an anonymous call is refused (401/403).
"""

from __future__ import annotations

import json
from functools import cache

import pytest
from rest_framework.test import APIClient

from siwei.core.roles import ROLE_CODES

from .permissions_matrix_support import (
    APPOINTMENT_READERS,
    CALLERS,
    CARE_MANAGERS,
    CARE_READERS,
    CASH_AND_FINANCE,
    CASHIER,
    CLOSE_READERS,
    COMPLAINT_HANDLERS,
    CREDIT_READERS,
    CUSTOMER_EDITORS,
    CUSTOMER_READERS,
    CUSTOMER_SERVICE,
    DEPARTMENT_MANAGERS,
    DISPATCH,
    EQUIPMENT_USERS,
    EVERYONE,
    FEEDBACK_TAKERS,
    FINAL_INSPECTORS,
    FINANCE,
    IMPORTERS,
    INSPECTION_READERS,
    INVOICE_READERS,
    KNOWLEDGE_APPROVERS,
    KNOWLEDGE_READERS,
    KNOWLEDGE_WRITERS,
    LEAD_READERS,
    LEDGER_READERS,
    MAINTENANCE_READERS,
    PARTS,
    PARTS_ANALYSTS,
    PARTS_MANAGER,
    PAYMENT_READERS,
    PROFIT_READERS,
    RECEIVABLE_READERS,
    REFUND_READERS,
    RENEWALS,
    REQUESTERS,
    RESERVERS,
    RO_READERS,
    SALES,
    SALES_MANAGER,
    SALES_ORDER_READERS,
    SERVICE_DESK,
    SERVICE_MANAGER,
    SHIFT_READERS,
    SHOWROOM,
    SHOWROOM_READERS,
    STOCK_READERS,
    STORE_A,
    STORE_B,
    TECHNICIAN,
    TOOL_LOANS,
    TOP,
    VEHICLE_READERS,
    VEHICLE_STOCK_READERS,
    WARRANTY,
    WARRANTY_READERS,
    api_endpoints,
    demo_world,
    login_name,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from demo_world(django_db_blocker)

# ------------------------------------------------------------------ the matrix
API_MATRIX: dict[str, frozenset[str]] = {
    # core
    "GET stores/": EVERYONE,
    "GET stores/{pk}/": EVERYONE,
    # customers, vehicles, leads, showroom (crm-sales.md)
    "GET customers/": CUSTOMER_READERS,
    "POST customers/": CUSTOMER_EDITORS | {"receptionist"},
    "GET customers/{pk}/": CUSTOMER_READERS,
    "PUT customers/{pk}/": CUSTOMER_EDITORS,
    "PATCH customers/{pk}/": CUSTOMER_EDITORS,
    "POST customers/{pk}/erase/": TOP,
    "GET vehicles/": VEHICLE_READERS,
    "POST vehicles/": CUSTOMER_EDITORS,
    "GET vehicles/{pk}/": VEHICLE_READERS,
    "PUT vehicles/{pk}/": CUSTOMER_EDITORS,
    "PATCH vehicles/{pk}/": CUSTOMER_EDITORS,
    "GET leads/": LEAD_READERS,
    "POST leads/": SALES,
    "GET leads/{pk}/": LEAD_READERS,
    "POST leads/{pk}/activities/": SALES,
    "POST leads/{pk}/lose/": SALES,
    "POST leads/{pk}/approve-loss/": SALES_MANAGER,
    "POST leads/{pk}/reject-loss/": SALES_MANAGER,
    "GET showroom-visits/": SHOWROOM_READERS,
    "POST showroom-visits/": SHOWROOM,
    "GET showroom-visits/{pk}/": SHOWROOM_READERS,
    "POST showroom-visits/{pk}/checkout/": SHOWROOM,
    # vehicle sales
    "GET test-drives/": SHOWROOM_READERS,
    "POST test-drives/": SALES,
    "GET test-drives/{pk}/": SHOWROOM_READERS,
    "POST test-drives/{pk}/finish/": SALES,
    "GET sales-targets/": SALES,
    "POST sales-targets/": SALES_MANAGER,
    "GET sales-targets/{pk}/": SALES,
    "GET stock-vehicles/": VEHICLE_STOCK_READERS,
    "POST stock-vehicles/": SALES_MANAGER,
    "GET stock-vehicles/{pk}/": VEHICLE_STOCK_READERS,
    "GET sales-orders/": SALES_ORDER_READERS,
    "POST sales-orders/": SALES,
    "GET sales-orders/{pk}/": SALES_ORDER_READERS,
    "PUT sales-orders/{pk}/": SALES,
    "PATCH sales-orders/{pk}/": SALES,
    "POST sales-orders/{pk}/confirm/": SALES,
    "POST sales-orders/{pk}/allocate/": SALES,
    "POST sales-orders/{pk}/approve-discount/": SALES_MANAGER,
    "POST sales-orders/{pk}/release-certificate/": SALES_MANAGER | {"cashier"},
    "POST sales-orders/{pk}/deliver/": SALES,
    "POST sales-orders/{pk}/cancel/": SALES,
    # parts (parts.md)
    "GET parts/": STOCK_READERS,
    "POST parts/": PARTS_MANAGER,
    "GET parts/{pk}/": STOCK_READERS,
    "PUT parts/{pk}/": PARTS_MANAGER,
    "PATCH parts/{pk}/": PARTS_MANAGER,
    "GET parts/{pk}/stock/": STOCK_READERS,
    "GET suppliers/": PARTS,
    "POST suppliers/": PARTS_MANAGER,
    "GET suppliers/{pk}/": PARTS,
    "PUT suppliers/{pk}/": PARTS_MANAGER,
    "PATCH suppliers/{pk}/": PARTS_MANAGER,
    "DELETE suppliers/{pk}/": PARTS_MANAGER,
    "GET locations/": STOCK_READERS,
    "POST locations/": PARTS_MANAGER,
    "GET locations/{pk}/": STOCK_READERS,
    "PUT locations/{pk}/": PARTS_MANAGER,
    "PATCH locations/{pk}/": PARTS_MANAGER,
    "GET stock-moves/": LEDGER_READERS,
    "GET stock-moves/{pk}/": LEDGER_READERS,
    "GET stock-requests/": REQUESTERS,
    "POST stock-requests/": REQUESTERS,
    "GET stock-requests/{pk}/": REQUESTERS,
    "POST stock-requests/{pk}/issue/": PARTS,
    "POST stock-requests/{pk}/cancel/": REQUESTERS,
    "GET reservations/": RESERVERS,
    "POST reservations/": RESERVERS,
    "GET reservations/{pk}/": RESERVERS,
    "POST reservations/{pk}/release/": RESERVERS,
    "GET purchase-orders/": PARTS,
    "POST purchase-orders/": PARTS_MANAGER,
    "GET purchase-orders/{pk}/": PARTS,
    "POST purchase-orders/{pk}/send/": PARTS_MANAGER,
    "POST purchase-orders/{pk}/cancel/": PARTS_MANAGER,
    "POST purchase-orders/{pk}/close/": PARTS_MANAGER,
    "POST purchase-orders/{pk}/receive/": PARTS,
    "GET nonconformances/": PARTS,
    "GET nonconformances/{pk}/": PARTS,
    "GET nonconformances/{pk}/photo/": PARTS,
    "POST nonconformances/{pk}/photo/": PARTS,
    "GET transfers/": PARTS,
    "POST transfers/": PARTS,
    "GET transfers/{pk}/": PARTS,
    "POST transfers/{pk}/approve/": PARTS_MANAGER,
    "POST transfers/{pk}/ship/": PARTS,
    "POST transfers/{pk}/receive/": PARTS,
    "POST transfers/{pk}/cancel/": PARTS,
    "GET stocktakes/": PARTS,
    "POST stocktakes/": PARTS,
    "GET stocktakes/{pk}/": PARTS,
    "POST stocktakes/{pk}/counts/": PARTS,
    "POST stocktakes/{pk}/lines/": PARTS,
    "POST stocktakes/{pk}/submit/": PARTS,
    "POST stocktakes/{pk}/reopen/": PARTS,
    "POST stocktakes/{pk}/approve/": PARTS_MANAGER,
    "POST stocktakes/{pk}/cancel/": PARTS,
    # service (service.md)
    "GET appointments/": APPOINTMENT_READERS,
    "POST appointments/": SERVICE_DESK,
    "GET appointments/slots/": APPOINTMENT_READERS,
    "GET appointments/{pk}/": APPOINTMENT_READERS,
    "POST appointments/{pk}/confirm/": SERVICE_DESK,
    "POST appointments/{pk}/cancel/": SERVICE_DESK,
    "POST appointments/{pk}/reschedule/": SERVICE_DESK,
    "POST appointments/{pk}/arrive/": SERVICE_DESK,
    "GET repair-orders/": RO_READERS,
    "POST repair-orders/": SERVICE_DESK,
    "GET repair-orders/{pk}/": RO_READERS,
    "POST repair-orders/{pk}/jobs/": SERVICE_DESK,
    "POST repair-orders/{pk}/parts/": SERVICE_DESK,
    "POST repair-orders/{pk}/sign/": SERVICE_DESK,
    "POST repair-orders/{pk}/approve-contract/": SERVICE_MANAGER,
    "POST repair-orders/{pk}/approve-additional/": SERVICE_DESK,
    "POST repair-orders/{pk}/decline-additional/": SERVICE_DESK,
    "POST repair-orders/{pk}/assign/": DISPATCH,
    "POST repair-orders/{pk}/start-job/": TECHNICIAN,
    "POST repair-orders/{pk}/pause-job/": TECHNICIAN,
    "POST repair-orders/{pk}/resume-job/": TECHNICIAN,
    "POST repair-orders/{pk}/finish-job/": TECHNICIAN,
    "POST repair-orders/{pk}/issue-parts/": PARTS,
    "POST repair-orders/{pk}/return-parts/": PARTS,
    "POST repair-orders/{pk}/inspect/": FINAL_INSPECTORS,  # level 3
    "POST repair-orders/{pk}/settle/": SERVICE_DESK,
    "POST repair-orders/{pk}/release/": SERVICE_DESK,
    "POST repair-orders/{pk}/cancel/": SERVICE_DESK,
    "POST repair-orders/{pk}/close/": SERVICE_DESK,
    "GET workshop/board/": DISPATCH,
    "GET workshop/inspections/": INSPECTION_READERS,
    "GET workshop/my-jobs/": TECHNICIAN,
    "GET warranty-claims/": WARRANTY_READERS,
    "POST warranty-claims/": WARRANTY,
    "GET warranty-claims/{pk}/": WARRANTY_READERS,
    "PATCH warranty-claims/{pk}/": WARRANTY,
    "POST warranty-claims/{pk}/submit/": WARRANTY,
    "POST warranty-claims/{pk}/approve/": WARRANTY,
    "POST warranty-claims/{pk}/reject/": WARRANTY,
    "POST warranty-claims/{pk}/resubmit/": WARRANTY,
    "POST warranty-claims/{pk}/mark-paid/": WARRANTY,
    "GET failed-parts/": WARRANTY,
    "GET failed-parts/{pk}/": WARRANTY,
    "POST failed-parts/{pk}/dispose/": WARRANTY,
    "GET knowledge-entries/": KNOWLEDGE_READERS,
    "POST knowledge-entries/": KNOWLEDGE_WRITERS,
    "GET knowledge-entries/suggest/": KNOWLEDGE_READERS,
    "GET knowledge-entries/{pk}/": KNOWLEDGE_READERS,
    "PATCH knowledge-entries/{pk}/": KNOWLEDGE_APPROVERS,  # or the author (not these)
    "POST knowledge-entries/{pk}/approve/": KNOWLEDGE_APPROVERS,
    "GET equipment/": EQUIPMENT_USERS,
    "POST equipment/": SERVICE_MANAGER,
    "GET equipment/{pk}/": EQUIPMENT_USERS,
    "PATCH equipment/{pk}/": SERVICE_MANAGER,
    "POST equipment/{pk}/calibrate/": KNOWLEDGE_APPROVERS,
    "POST equipment/{pk}/log/": EQUIPMENT_USERS,
    "GET tool-loans/": TOOL_LOANS | {"technician"},
    "POST tool-loans/": TOOL_LOANS,
    "GET tool-loans/{pk}/": TOOL_LOANS | {"technician"},
    "POST tool-loans/{pk}/return/": TOOL_LOANS,
    "GET technician-shifts/": SHIFT_READERS,
    "POST technician-shifts/": DISPATCH,
    "GET technician-shifts/{pk}/": SHIFT_READERS,
    "DELETE technician-shifts/{pk}/": DISPATCH,
    "GET calendar-days/": SERVICE_MANAGER,
    "POST calendar-days/": SERVICE_MANAGER,
    "GET calendar-days/{pk}/": SERVICE_MANAGER,
    "DELETE calendar-days/{pk}/": SERVICE_MANAGER,
    # the workshop's set-up (SV-9 rates and labour operations, the store's service rules)
    "GET labour-rates/": SERVICE_MANAGER,
    "POST labour-rates/": SERVICE_MANAGER,
    "DELETE labour-rates/{pk}/": SERVICE_MANAGER,
    "GET labour-operations/": SERVICE_DESK,
    "POST labour-operations/": SERVICE_MANAGER,
    "GET labour-operations/{pk}/": SERVICE_DESK,
    "PATCH labour-operations/{pk}/": SERVICE_MANAGER,
    "GET service-settings/": SERVICE_MANAGER,
    "PATCH service-settings/": SERVICE_MANAGER,
    "GET maintenance-plans/": MAINTENANCE_READERS,
    "GET maintenance-plans/{pk}/": MAINTENANCE_READERS,
    "GET maintenance-due/": MAINTENANCE_READERS,
    # cashier and finance (finance-reports.md)
    "GET payments/": PAYMENT_READERS,
    "POST payments/": CASHIER,
    "GET payments/{pk}/": PAYMENT_READERS,
    "GET daily-closes/": CLOSE_READERS,
    "POST daily-closes/": CASHIER,  # one's own day (finance closes a colleague's)
    "GET daily-closes/totals/": PAYMENT_READERS,
    "GET daily-closes/{pk}/": CLOSE_READERS,
    "POST daily-closes/{pk}/review/": FINANCE,
    "GET refund-requests/": REFUND_READERS,
    "POST refund-requests/": CASHIER,
    "GET refund-requests/{pk}/": REFUND_READERS,
    "POST refund-requests/{pk}/approve/": CLOSE_READERS,
    "POST refund-requests/{pk}/reject/": CLOSE_READERS,
    "GET invoices/": INVOICE_READERS,
    "POST invoices/": CASH_AND_FINANCE,
    "GET invoices/{pk}/": INVOICE_READERS,
    "POST invoices/{pk}/void/": FINANCE,
    "GET receivables/": RECEIVABLE_READERS,
    "GET receivables/aging/": RECEIVABLE_READERS,
    "POST receivables/charge-to-account/": CASH_AND_FINANCE,
    "POST receivables/sync/": CASH_AND_FINANCE,
    "GET receivables/{pk}/": RECEIVABLE_READERS,
    "GET receivables/{pk}/receipts/": RECEIVABLE_READERS,
    "POST receivables/{pk}/receipts/": CASH_AND_FINANCE,
    "GET credit-accounts/": CREDIT_READERS,
    "POST credit-accounts/": FINANCE,
    "GET overheads/": FINANCE,
    "POST overheads/": FINANCE,
    # customer care (care.md)
    "GET follow-ups/": CALLERS,
    "GET follow-ups/{pk}/": CALLERS,
    "POST follow-ups/{pk}/complete/": CALLERS,
    "POST follow-ups/{pk}/unreachable/": CALLERS,
    "POST follow-ups/{pk}/cancel/": CALLERS,
    "POST follow-ups/{pk}/reassign/": CARE_MANAGERS,
    "GET survey-responses/": CARE_READERS,
    "GET survey-responses/{pk}/": CARE_READERS,
    "GET feedback/": COMPLAINT_HANDLERS,
    "POST feedback/": FEEDBACK_TAKERS,
    "GET feedback/{pk}/": COMPLAINT_HANDLERS,
    "POST feedback/{pk}/acknowledge/": COMPLAINT_HANDLERS,
    "POST feedback/{pk}/start/": COMPLAINT_HANDLERS,
    "POST feedback/{pk}/resolve/": COMPLAINT_HANDLERS,
    "POST feedback/{pk}/close/": COMPLAINT_HANDLERS,
    "POST feedback/{pk}/close-attempt/": COMPLAINT_HANDLERS,
    "POST feedback/{pk}/reopen/": COMPLAINT_HANDLERS,
    "POST feedback/{pk}/actions/": CARE_MANAGERS,
    "POST feedback-classifier/suggest/": FEEDBACK_TAKERS,
    "GET feedback-classifier/accuracy/": COMPLAINT_HANDLERS,
    "POST feedback-classifier/train/": CARE_MANAGERS,
    "GET care-settings/": TOP,
    "PATCH care-settings/": TOP,
    "GET insurance-renewals/": CARE_READERS,
    "POST insurance-renewals/": RENEWALS,
    "GET insurance-renewals/{pk}/": CARE_READERS,
    "GET segments/": CARE_READERS,
    "POST segments/": CUSTOMER_SERVICE,
    "POST segments/preview/": CARE_READERS,
    "GET segments/{pk}/": CARE_READERS,
    "PUT segments/{pk}/": CUSTOMER_SERVICE,
    "PATCH segments/{pk}/": CUSTOMER_SERVICE,
    "DELETE segments/{pk}/": CUSTOMER_SERVICE,
    "GET segments/{pk}/customers/": CARE_READERS,
    "GET campaigns/": CARE_READERS,
    "POST campaigns/": CUSTOMER_SERVICE,
    "GET campaigns/{pk}/": CARE_READERS,
    "PATCH campaigns/{pk}/": CUSTOMER_SERVICE,
    "POST campaigns/{pk}/schedule/": CUSTOMER_SERVICE,
    "POST campaigns/{pk}/cancel/": CUSTOMER_SERVICE,
    "GET messages/": CUSTOMER_SERVICE,
    "GET messages/{pk}/": CUSTOMER_SERVICE,
    # reports, printing, import and export (finance-reports.md FN-7 … FN-10)
    "GET reports/": EVERYONE,  # lists only the reports the user may open
    "GET reports/kpis/": DEPARTMENT_MANAGERS,
    "GET kpi-targets/": DEPARTMENT_MANAGERS,
    "POST kpi-targets/": TOP,  # the store manager sets the month's targets (FN-6)
    "GET reports/sales-targets/": SALES,
    "GET reports/showroom-statistics/": SHOWROOM_READERS,
    "GET reports/lost-leads/": SALES_MANAGER,
    "GET reports/consultant-performance/": SALES_MANAGER,
    "GET reports/vehicle-stock/": VEHICLE_STOCK_READERS,
    "GET reports/parts-analysis/": PARTS_ANALYSTS,
    "GET reports/parts-kpis/": PARTS_ANALYSTS,
    "GET reports/service-kpis/": SERVICE_MANAGER,
    "GET reports/appointment-kpis/": APPOINTMENT_READERS,
    "GET reports/workshop-kpis/": DISPATCH,
    "GET reports/quality-daily/": INSPECTION_READERS,
    "GET reports/warranty-claims/": WARRANTY_READERS,
    "GET reports/survey-results/": CARE_READERS,
    "GET reports/complaint-analysis/": CARE_MANAGERS,
    "GET reports/department-profit/": PROFIT_READERS,
    "GET reports/receivables-aging/": RECEIVABLE_READERS,
    "GET print/repair-estimate/{pk}/": RO_READERS,
    "GET print/repair-contract/{pk}/": RO_READERS,
    "GET print/repair-bill/{pk}/": RO_READERS,
    "GET print/gate-pass/{pk}/": RO_READERS,
    "GET print/completion-certificate/{pk}/": RO_READERS,
    "GET print/sales-order/{pk}/": SALES_ORDER_READERS,
    "GET print/sales-contract/{pk}/": SALES_ORDER_READERS,
    "GET print/delivery-checklist/{pk}/": SALES_ORDER_READERS,
    "GET print/receipt/{pk}/": PAYMENT_READERS,
    "GET print/part-labels/{pk}/": STOCK_READERS,
    "GET print/stocktake-sheet/{pk}/": PARTS,
    "GET imports/": IMPORTERS,
    "POST imports/": IMPORTERS,
    "GET imports/template/": IMPORTERS,
    "GET imports/{pk}/": IMPORTERS,
    "POST imports/{pk}/confirm/": IMPORTERS,
    "GET exports/": TOP,
    "POST exports/": TOP,
    "GET exports/{pk}/": TOP,
    "GET exports/{pk}/download/": TOP,
}

# Bodies that get past input validation where the permission is checked by the service
# (the empty body would be answered 400 before it).
PROBE_BODIES: dict[str, dict] = {
    "POST daily-closes/": {"counted_cash": "0.00", "reason": "matrix"},
    "POST repair-orders/{pk}/inspect/": {"level": 3, "passed": True},
    "POST receivables/{pk}/receipts/": {"amount": "1.00"},
}


@cache
def _endpoints():
    return api_endpoints()


def test_every_api_endpoint_has_a_row_in_the_matrix():
    served = set(_endpoints())
    missing = sorted(served - set(API_MATRIX))
    stale = sorted(set(API_MATRIX) - served)
    assert not missing, "\n".join(f"endpoint {key} has no row in the matrix" for key in missing)
    assert not stale, "\n".join(f"row {key} names no endpoint the API serves" for key in stale)


def _client(user, store_code: str | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    if store_code:
        client.defaults["HTTP_X_STORE"] = store_code
    return client


def _call(client, key: str, path: str):
    method = key.split(" ", 1)[0]
    if method == "GET":
        return client.get(path, {"page_size": 1} if "{pk}" not in key else None)
    body = json.dumps(PROBE_BODIES.get(key, {}))
    return client.generic(method, path, body, content_type="application/json")


def _record_key(endpoint) -> str | None:
    if not endpoint.is_detail:
        return None
    if endpoint.prefix.startswith("print"):
        return endpoint.template.split("/{pk}")[0]
    return endpoint.prefix


def _path(world, endpoint) -> str:
    path = "/api/v1/" + endpoint.template
    record = _record_key(endpoint)
    if record:
        assert record in world.records, f"no record of {record} in store A for {endpoint.key}"
        path = path.replace("{pk}", str(world.records[record]))
    return path


def _verdict(status: int, allowed: bool) -> str | None:
    if status >= 500:
        return f"{status} (server error)"
    if allowed and status in (401, 403, 405):
        return f"{status}, refused though the matrix allows it"
    if not allowed and status != 403:
        return f"{status}, not refused though the matrix does not allow it"
    return None


@pytest.mark.parametrize("key", sorted(API_MATRIX))
def test_api_endpoint_admits_exactly_the_roles_of_its_row(key, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    endpoint = _endpoints().get(key)
    assert endpoint is not None, f"row {key} names no endpoint the API serves"
    allowed = API_MATRIX[key]
    users = world.users()
    path = _path(world, endpoint)
    problems = []

    # Another store: its manager may not act in store A, nor reach store A's records.
    outsider = users[login_name("store_manager", STORE_B)]
    status = _call(_client(outsider, STORE_A), key, path).status_code
    if status != 403:
        problems.append(f"store B's manager with X-Store {STORE_A}: {status}, expected 403")
    if _record_key(endpoint) in world.store_owned:
        # 404; a write may also be answered 400 for its empty body before the lookup.
        refused = (403, 404) if endpoint.method == "GET" else (400, 403, 404)
        status = _call(_client(outsider, STORE_B), key, path).status_code
        if status not in refused:
            problems.append(f"store B's manager on store A's record: {status}, expected 404")
    status = _call(_client(None, STORE_A), key, path).status_code
    if status not in (401, 403):
        problems.append(f"anonymous: {status}, expected 401 or 403")

    for role in ROLE_CODES:
        response = _call(_client(users[login_name(role)], STORE_A), key, path)
        verdict = _verdict(response.status_code, role in allowed)
        if verdict:
            problems.append(f"{role}: {verdict}")
    assert not problems, f"{key} ({path}):\n" + "\n".join(problems)
