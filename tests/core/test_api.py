"""API conventions of api.md: token, 401/403, X-Store, pagination, errors, idempotency,
schema."""

import json
import threading
import uuid

import pytest
from django.db import close_old_connections, connection
from django.urls import path
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from siwei.core.api.base import SiweiAPIMixin
from siwei.core.audit import audit_record
from siwei.core.errors import DomainError
from siwei.core.models import AuditEvent, IdempotencyRecord

pytestmark = pytest.mark.django_db


def test_token_for_right_credentials(staff, store_bj):
    staff("service_advisor", store=store_bj, username="sa1", password="right-pass-1")
    response = APIClient().post("/api/v1/auth/token/",
                                {"username": "sa1", "password": "right-pass-1"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    me = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200
    assert me.json()["store"] == "BJ01"
    assert me.json()["roles"] == ["service_advisor"]


def test_wrong_credentials_are_400_and_missing_fields_name_the_field(staff, store_bj):
    staff("service_advisor", store=store_bj, username="sa1", password="right-pass-1")
    wrong = APIClient().post("/api/v1/auth/token/", {"username": "sa1", "password": "nope"},
                             format="json")
    assert wrong.status_code == 400
    assert "non_field_errors" in wrong.json()
    missing = APIClient().post("/api/v1/auth/token/", {"username": "sa1"}, format="json")
    assert missing.status_code == 400 and "password" in missing.json()


def test_repeated_failures_lock_the_login_with_429(staff, store_bj, settings):
    staff("service_advisor", store=store_bj, username="sa1", password="right-pass-1")
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/api/v1/auth/token/", {"username": "sa1", "password": "bad"},
                           format="json").status_code == 400
    locked = client.post("/api/v1/auth/token/", {"username": "sa1", "password": "bad"},
                         format="json")
    assert locked.status_code == 429
    # Even the right password is refused while locked.
    again = client.post("/api/v1/auth/token/", {"username": "sa1", "password": "right-pass-1"},
                        format="json")
    assert again.status_code == 429


def test_missing_or_invalid_token_is_401(db):
    assert APIClient().get("/api/v1/stores/").status_code == 401
    bad = APIClient().get("/api/v1/stores/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert bad.status_code == 401


def test_x_store_of_another_store_is_403(staff, store_bj, store_sh, api):
    advisor = staff("service_advisor", store=store_bj)
    assert api(advisor, store_bj).get("/api/v1/me/").status_code == 200
    response = api(advisor, store_sh).get("/api/v1/me/")
    assert response.status_code == 403
    assert api(advisor, store_sh).get("/api/v1/stores/").status_code == 403


def test_x_store_chooses_among_the_users_stores(staff, store_bj, store_sh, api):
    manager = staff("store_manager", store=store_bj)
    from siwei.core.models import Role, StaffAssignment

    StaffAssignment.objects.create(employee=manager.employee, store=store_sh,
                                   role=Role.objects.get(code="store_manager"))
    assert api(manager).get("/api/v1/me/").json()["store"] == "BJ01"
    assert api(manager, store_sh).get("/api/v1/me/").json()["store"] == "SH01"


def test_stores_list_is_paginated_and_scoped(staff, store_bj, store_sh, api):
    advisor = staff("service_advisor", store=store_bj)
    body = api(advisor).get("/api/v1/stores/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert [s["code"] for s in body["results"]] == ["BJ01"]
    assert body["results"][0]["tax_rate"] == "0.1300"
    admin = staff("group_admin", group=store_bj.group)
    page = api(admin).get("/api/v1/stores/?page_size=1").json()
    assert page["count"] == 2 and len(page["results"]) == 1 and page["next"]
    assert api(admin).get("/api/v1/stores/?page_size=500").status_code == 200


def test_page_size_is_capped_at_200():
    from siwei.core.api.pagination import PageNumberPagination

    assert PageNumberPagination.max_page_size == 200


# A small action endpoint that exercises the shared API machinery the way every
# department's actions do: a service writes and may refuse with a DomainError.
class _EchoAction(SiweiAPIMixin, APIView):
    def post(self, request):
        if request.data.get("refuse"):
            raise DomainError("invalid_transition", "not allowed now", status="closed")
        if request.data.get("bad_field"):
            from django.core.exceptions import ValidationError

            raise ValidationError({"mileage": ["Mileage must be a number."]})
        event = audit_record(actor=request.user, action="test.echo", store=request.store,
                             object_type="test", object_id=str(request.data.get("n", "")))
        return Response({"event": event.pk, "n": request.data.get("n")}, status=201)


urlpatterns = [path("api/v1/test-echo/", _EchoAction.as_view())]


@pytest.mark.urls(__name__)
def test_domain_error_is_409_with_stable_code(staff, store_bj, api):
    client = api(staff("service_advisor", store=store_bj))
    response = client.post("/api/v1/test-echo/", {"refuse": True}, format="json")
    assert response.status_code == 409
    assert response.json() == {"code": "invalid_transition", "detail": "not allowed now",
                               "status": "closed"}


@pytest.mark.urls(__name__)
def test_model_validation_error_is_400_naming_the_field(staff, store_bj, api):
    client = api(staff("service_advisor", store=store_bj))
    response = client.post("/api/v1/test-echo/", {"bad_field": True}, format="json")
    assert response.status_code == 400
    assert response.json() == {"mileage": ["Mileage must be a number."]}


@pytest.mark.urls(__name__)
def test_idempotency_key_applies_once_and_replays_the_first_response(staff, store_bj, api):
    client = api(staff("cashier", store=store_bj))
    key = str(uuid.uuid4())
    first = client.post("/api/v1/test-echo/", {"n": 1}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    second = client.post("/api/v1/test-echo/", {"n": 1}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.filter(action="test.echo").count() == 1
    # Another body with the same key is refused, and nothing more is applied.
    other = client.post("/api/v1/test-echo/", {"n": 2}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    # Without a key, each POST applies.
    client.post("/api/v1/test-echo/", {"n": 3}, format="json")
    client.post("/api/v1/test-echo/", {"n": 3}, format="json")
    assert AuditEvent.objects.filter(action="test.echo").count() == 3


@pytest.mark.urls(__name__)
def test_idempotency_replays_a_refusal_too(staff, store_bj, api):
    client = api(staff("cashier", store=store_bj))
    key = str(uuid.uuid4())
    for _ in range(2):
        response = client.post("/api/v1/test-echo/", {"refuse": True}, format="json",
                               HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 409
    assert IdempotencyRecord.objects.get(key=key).status_code == 409


@pytest.mark.urls(__name__)
def test_idempotency_keys_belong_to_their_user(staff, store_bj, api):
    key = str(uuid.uuid4())
    for user in (staff("cashier", store=store_bj), staff("cashier", store=store_bj)):
        assert api(user).post("/api/v1/test-echo/", {"n": 1}, format="json",
                              HTTP_IDEMPOTENCY_KEY=key).status_code == 201
    assert AuditEvent.objects.filter(action="test.echo").count() == 2


@pytest.mark.postgres
@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_parallel_requests_with_one_idempotency_key_apply_once(staff, store_bj):
    user = staff("cashier", store=store_bj)
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=user).key
    key, clients = str(uuid.uuid4()), 6
    barrier = threading.Barrier(clients)
    results: list[tuple[int, dict]] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            barrier.wait()
            response = client.post("/api/v1/test-echo/", {"n": 7}, format="json",
                                   HTTP_IDEMPOTENCY_KEY=key)
            results.append((response.status_code, json.loads(response.content)))
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert len(results) == clients
    assert {status for status, _body in results} == {201}
    assert len({body["event"] for _status, body in results}) == 1
    assert AuditEvent.objects.filter(action="test.echo").count() == 1


def test_openapi_schema_is_valid_openapi_3(staff, store_bj, api):
    from drf_spectacular.validation import validate_schema

    response = api(staff("service_advisor", store=store_bj)).get(
        "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    assert "/api/v1/stores/" in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]


def test_api_docs_page_is_served_without_external_assets(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    assert b"cdn." not in response.content and b"jsdelivr" not in response.content


def test_each_api_request_spends_three_queries_on_user_store_and_permissions(
        staff, store_bj, store_sh, api, django_assert_num_queries):
    """quality.md (≤ 15 queries per request): the token with its user and staff profile,
    the user's stores, and their permissions in the active store are one query each."""
    manager = staff("store_manager", store=store_bj)
    from django.contrib.auth.models import Permission

    from siwei.core.models import Role, StaffAssignment, StoreRolePermission

    sales_manager = Role.objects.get(code="sales_manager")
    StaffAssignment.objects.create(employee=manager.employee, store=store_sh, role=sales_manager)
    StoreRolePermission.objects.create(
        store=store_sh, role=sales_manager, granted=False,
        permission=Permission.objects.get(codename="view_audit_log"))
    client = api(manager, store_sh)
    # me/ itself adds one query: the user's roles in the store.
    with django_assert_num_queries(3 + 1):
        body = client.get("/api/v1/me/").json()
    # The store's own adjustment of a role's defaults is part of the permissions query.
    assert body["store"] == "SH01" and "core.view_personal_data" in body["permissions"]
    assert "core.view_audit_log" not in body["permissions"]
