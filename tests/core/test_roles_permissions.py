"""Roles of the spec README as permission sets that a store can adjust; store scoping."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

from siwei.core.errors import DomainError
from siwei.core.models import AuditEvent, Role
from siwei.core.permissions import forget_cached_permissions, has_store_perm, store_permissions
from siwei.core.roles import ROLE_CODES
from siwei.core.scoping import resolve_store, user_store_ids, user_stores
from siwei.core.services import employee_assign_role, employee_create, role_permission_adjust

pytestmark = pytest.mark.django_db


def test_every_role_of_the_spec_exists_after_migrate():
    assert set(Role.objects.values_list("code", flat=True)) == set(ROLE_CODES)
    assert len(ROLE_CODES) == 16
    assert Role.objects.get(code="group_admin").scope == "group"


def test_role_permissions_apply_only_in_the_store_of_the_assignment(staff, store_bj, store_sh):
    manager = staff("store_manager", store=store_bj)
    assert has_store_perm(manager, store_bj, "core.manage_staff")
    assert not has_store_perm(manager, store_sh, "core.manage_staff")
    assert manager.has_perm("core.manage_staff", store_bj)
    assert not manager.has_perm("core.manage_staff", store_sh)


def test_technician_has_no_staff_or_personal_data_permission(staff, store_bj):
    tech = staff("technician", store=store_bj)
    perms = store_permissions(tech, store_bj)
    assert "core.manage_staff" not in perms
    assert "core.view_personal_data" not in perms


def test_group_admin_works_in_every_store_of_the_group(staff, store_bj, store_sh):
    admin = staff("group_admin", group=store_bj.group)
    assert {s.code for s in user_stores(admin)} == {"BJ01", "SH01"}
    assert has_store_perm(admin, store_sh, "core.adjust_role_permissions")


def test_store_staff_see_only_their_stores(staff, store_bj, store_sh):
    advisor = staff("service_advisor", store=store_bj)
    assert user_store_ids(advisor) == {store_bj.pk}
    assert resolve_store(advisor).code == "BJ01"
    assert resolve_store(advisor, "bj01").code == "BJ01"
    with pytest.raises(Exception, match="SH01"):
        resolve_store(advisor, "SH01")


def test_store_can_withdraw_and_grant_a_role_permission(staff, store_bj, store_sh):
    manager = staff("store_manager", store=store_bj)
    advisor = staff("service_advisor", store=store_bj)
    advisor_sh = staff("service_advisor", store=store_sh)
    role = Role.objects.get(code="service_advisor")
    personal = Permission.objects.get(codename="view_personal_data")
    audit = Permission.objects.get(codename="view_audit_log")
    assert has_store_perm(advisor, store_bj, "core.view_personal_data")

    role_permission_adjust(actor=manager, store=store_bj, role=role, permission=personal,
                           granted=False)
    role_permission_adjust(actor=manager, store=store_bj, role=role, permission=audit,
                           granted=True)
    forget_cached_permissions(advisor)
    assert not has_store_perm(advisor, store_bj, "core.view_personal_data")
    assert has_store_perm(advisor, store_bj, "core.view_audit_log")
    # The other store keeps the defaults.
    assert has_store_perm(advisor_sh, store_sh, "core.view_personal_data")
    assert not has_store_perm(advisor_sh, store_sh, "core.view_audit_log")
    # Back to default.
    role_permission_adjust(actor=manager, store=store_bj, role=role, permission=personal,
                           granted=None)
    forget_cached_permissions(advisor)
    assert has_store_perm(advisor, store_bj, "core.view_personal_data")
    events = AuditEvent.objects.filter(action="role.adjust_permission", store=store_bj)
    assert events.count() == 3
    assert events.order_by("id").first().after == {
        "permission": "core.view_personal_data", "granted": False}


def test_withdrawing_from_one_role_keeps_it_when_another_role_grants_it(staff, store_bj):
    manager = staff("store_manager", store=store_bj)
    both = staff("service_advisor", "service_manager", store=store_bj)
    personal = Permission.objects.get(codename="view_personal_data")
    role_permission_adjust(actor=manager, store=store_bj,
                           role=Role.objects.get(code="service_advisor"),
                           permission=personal, granted=False)
    assert has_store_perm(both, store_bj, "core.view_personal_data")


def test_only_a_manager_may_adjust_roles(staff, store_bj):
    advisor = staff("service_advisor", store=store_bj)
    with pytest.raises(PermissionDenied):
        role_permission_adjust(actor=advisor, store=store_bj,
                               role=Role.objects.get(code="technician"),
                               permission=Permission.objects.get(codename="manage_staff"),
                               granted=True)


def test_employee_create_assigns_roles_and_audits(staff, store_bj, store_sh):
    manager = staff("store_manager", store=store_bj)
    employee = employee_create(actor=manager, group=store_bj.group, username="new_sa",
                               name="李雷", password="pw-xyz-12345", store=store_bj,
                               roles=["service_advisor"], mobile="13800138000")
    assert has_store_perm(employee.user, store_bj, "core.view_personal_data")
    assert AuditEvent.objects.filter(action="employee.create", object_id=str(employee.pk)).exists()
    with pytest.raises(PermissionDenied):
        employee_assign_role(actor=manager, employee=employee, store=store_sh,
                             role_code="technician")
    with pytest.raises(DomainError) as err:
        employee_create(actor=manager, group=store_bj.group, username="new_sa", name="x",
                        password="pw-xyz-12345", store=store_bj, roles=[])
    assert err.value.code == "duplicate_username"


def test_store_manager_cannot_make_a_group_admin(staff, store_bj):
    manager = staff("store_manager", store=store_bj)
    employee = employee_create(actor=manager, group=store_bj.group, username="x1", name="x",
                               password="pw-xyz-12345", store=store_bj, roles=[])
    with pytest.raises(PermissionDenied):
        employee_assign_role(actor=manager, employee=employee, store=None,
                             role_code="group_admin")
