"""The UI shell: login in Chinese, role homes, store switch, staff and role pages."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from siwei.core.models import AuditEvent, Role, StaffAssignment

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_login_page_is_chinese_by_default(client):
    response = client.get("/accounts/login/")
    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in content
    assert "登录" in content and "用户名" in content and "密码" in content


def test_chinese_even_when_the_browser_asks_for_english(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in response.content.decode()


def test_every_asset_of_the_layout_is_served_locally():
    import re
    from pathlib import Path

    from django.contrib.staticfiles import finders

    base = Path(__file__).resolve().parents[2] / "src/siwei/templates/base.html"
    paths = re.findall(r"{% static '([^']+)' %}", base.read_text())
    assert len(paths) >= 5
    missing = [p for p in paths if finders.find(p) is None]
    assert not missing, f"not found by the static finders: {missing}"


def test_english_switch(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"},
                           follow=True)
    content = response.content.decode()
    assert '<html lang="en">' in content and "Log in" in content and "登录" not in content


def test_login_with_password_lands_on_role_home(staff, store_bj):
    staff("service_advisor", store=store_bj, username="bj01_sa", password="pw-for-tests-1")
    client = Client()
    response = client.post("/accounts/login/", {"username": "bj01_sa",
                                                "password": "pw-for-tests-1"}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "服务顾问工作台" in response.content.decode()


def test_page_login_is_locked_after_repeated_failures(staff, store_bj, settings):
    staff("service_advisor", store=store_bj, username="bj01_sa", password="pw-for-tests-1")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "bj01_sa", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "bj01_sa",
                                              "password": "pw-for-tests-1"})
    assert locked.status_code == 429


@pytest.mark.parametrize("role", ["service_advisor", "technician", "cashier", "store_manager"])
def test_each_role_gets_its_own_home(staff, store_bj, role):
    user = staff(role, store=store_bj)
    content = login(user).get("/").content.decode()
    with translation.override("zh-hans"):
        name = str(Role.objects.get(code=role).label)
    assert f'data-role="{role}"' in content
    assert f"{name}工作台" in content


def test_manager_home_lists_recent_changes_by_people_and_by_the_system(staff, store_bj):
    from siwei.core.audit import audit_record

    manager = staff("store_manager", store=store_bj)
    audit_record(actor=None, action="store.nightly", obj=store_bj, store=store_bj)
    audit_record(actor=manager, action="store.update", obj=store_bj, store=store_bj)
    response = login(manager).get("/")
    content = response.content.decode()
    assert response.status_code == 200
    assert 'title="store.nightly"' in content and "系统" in content
    assert f'{manager.employee.name} · <span title="store.update">' in content
    audit_record(actor=manager, action="employee.create", obj=store_bj, store=store_bj)
    audit_page = login(manager).get("/settings/audit/").content.decode()
    assert "store.update" in audit_page and "系统" in audit_page
    assert "员工已创建" in audit_page  # the action's label, not only its code


def test_home_and_me_queries_do_not_grow_with_the_data(staff, store_bj, api):
    """The home page and /me/ cost the same number of queries with 5 or 25 audit events
    by different people (no query per row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from siwei.core.audit import audit_record

    manager = staff("store_manager", store=store_bj)
    client, token_client = login(manager), api(manager)

    def add_events(n):
        for i in range(n):
            audit_record(actor=staff("cashier", store=store_bj), action=f"x{i}", obj=store_bj,
                         store=store_bj)

    def count(url, http):
        with CaptureQueriesContext(connection) as queries:
            assert http.get(url).status_code == 200
        return len(queries)

    add_events(5)
    for warm_up in ("/", "/api/v1/me/"):  # the first visit also stores the active store
        (client if warm_up == "/" else token_client).get(warm_up)
    few = {url: count(url, http) for url, http in (("/", client), ("/api/v1/me/", token_client),
                                                   ("/api/v1/stores/", token_client))}
    add_events(20)
    many = {url: count(url, http) for url, http in (("/", client), ("/api/v1/me/", token_client),
                                                    ("/api/v1/stores/", token_client))}
    assert many == few
    assert few["/api/v1/me/"] <= 10 and few["/api/v1/stores/"] <= 10 and few["/"] <= 30


def test_menu_follows_permissions(staff, store_bj):
    manager_page = login(staff("store_manager", store=store_bj)).get("/").content.decode()
    tech_page = login(staff("technician", store=store_bj)).get("/").content.decode()
    assert "/settings/staff/" in manager_page and "/settings/roles/" in manager_page
    assert "/settings/staff/" not in tech_page


def test_staff_page_is_forbidden_without_permission(staff, store_bj):
    assert login(staff("technician", store=store_bj)).get("/settings/staff/").status_code == 403


def test_manager_creates_an_employee_on_the_staff_page(staff, store_bj):
    client = login(staff("store_manager", store=store_bj))
    sa_role = Role.objects.get(code="service_advisor")
    response = client.post("/settings/staff/", {
        "username": "wang_sa", "name": "王五", "mobile": "+86 139 1234 5678",
        "password": "Strong-pass-2026", "roles": [sa_role.pk]})
    assert response.status_code == 302
    assignment = StaffAssignment.objects.get(employee__user__username="wang_sa")
    assert assignment.store == store_bj and assignment.role == sa_role
    assert assignment.employee.mobile == "13912345678"
    bad = client.post("/settings/staff/", {"username": "li", "name": "李", "mobile": "123",
                                           "password": "Strong-pass-2026",
                                           "roles": [sa_role.pk]})
    assert bad.status_code == 200 and "li" not in {
        e.user.username for e in [a.employee for a in StaffAssignment.objects.all()]}


def test_manager_adjusts_a_role_on_the_roles_page(staff, store_bj):
    client = login(staff("store_manager", store=store_bj))
    from django.contrib.auth.models import Permission

    perm = Permission.objects.get(codename="view_audit_log")
    response = client.post("/settings/roles/?role=technician",
                           {"permission": perm.pk, "granted": "grant"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="role.adjust_permission").count() == 1
    page = client.get("/settings/roles/?role=technician").content.decode()
    assert "已调整" in page
    assert "可查看审计日志" in page  # custom permission, translated
    assert "查看员工" in page  # generated permission rebuilt in Chinese
    assert "Can add" not in page and "idempotency" not in page
    # Only permissions of Siwei's apps can be adjusted, and bad input is a 404, not a 500.
    from django.contrib.auth.models import Permission as P

    auth_perm = P.objects.get(codename="add_user")
    assert client.post("/settings/roles/?role=technician",
                       {"permission": auth_perm.pk, "granted": "grant"}).status_code == 404
    assert client.post("/settings/roles/?role=technician",
                       {"permission": "x'; --", "granted": "grant"}).status_code == 404


def test_store_switch_only_to_own_stores(staff, store_bj, store_sh):
    user = staff("store_manager", store=store_bj)
    client = login(user)
    assert 'id="active-store"' in client.get("/").content.decode()
    outsider = client.post("/store/switch/", {"store": store_sh.pk}, follow=True)
    assert "BJ01" in outsider.content.decode()
    StaffAssignment.objects.create(employee=user.employee, store=store_sh,
                                   role=Role.objects.get(code="store_manager"))
    client.post("/store/switch/", {"store": store_sh.pk})
    assert client.session["active_store_id"] == store_sh.pk
    page = client.get("/").content.decode()
    assert f'<option value="{store_sh.pk}" selected>' in page


def test_health_endpoints(client, monkeypatch):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok"}
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: ["pending"])
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["status"] == "migrations_pending"


def test_pages_send_security_headers(client):
    response = client.get("/accounts/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_lazy_card_is_served_only_for_a_role_of_the_user(staff, store_bj):
    """FN-6: heavy cards load after the home page; the card endpoint serves only the
    cards of the user's own roles."""
    manager = staff("service_manager", store=store_bj)
    advisor = staff("service_advisor", store=store_bj)
    url = reverse("home-card", args=["service-kpis-cards-kpis"])
    assert login(manager).get(url).status_code == 200
    assert login(advisor).get(url).status_code == 404
    assert login(manager).get(reverse("home-card", args=["no-such-card"])).status_code == 404
