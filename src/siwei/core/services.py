"""Business actions of the core app: staff, roles and store adjustments of roles.
Each function is one transaction, checks the actor's permission and writes the audit."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .audit import audit_record
from .errors import DomainError
from .models import DealerGroup, Employee, Role, StaffAssignment, Store, StoreRolePermission
from .permissions import forget_cached_permissions, has_store_perm
from .scoping import forget_cached_stores
from .transactions import service_transaction


def _require(actor, store: Store, perm: str) -> None:
    if actor is not None and not has_store_perm(actor, store, perm):
        raise PermissionDenied(_("You may not do this in store %s.") % store.code)


def _role(code: str) -> Role:
    try:
        return Role.objects.get(code=code)
    except Role.DoesNotExist:
        raise DomainError("unknown_role", _("There is no role %s.") % code) from None


@service_transaction
def store_create(
    *, actor, group: DealerGroup, code: str, name: str, brand: str, **details
) -> Store:
    store = Store(group=group, code=code.upper(), name=name, brand=brand, **details)
    store.full_clean()
    store.save()
    audit_record(actor=actor, action="store.create", obj=store, store=store,
                 after={"code": store.code, "name": store.name, "brand": store.brand})
    return store


@service_transaction
def employee_create(
    *,
    actor,
    group: DealerGroup,
    username: str,
    name: str,
    password: str,
    store: Store | None,
    roles: list[str],
    mobile: str = "",
) -> Employee:
    """Create a user with an employee profile and roles in ``store`` (group-scoped roles
    need no store)."""
    if store is not None:
        _require(actor, store, "core.manage_staff")
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise DomainError("duplicate_username", _("The username %s is taken.") % username)
    user = user_model(username=username)
    user.set_password(password)
    user.save()
    employee = Employee(user=user, group=group, name=name, mobile=mobile, default_store=store)
    employee.full_clean()
    employee.save()
    for code in roles:
        employee_assign_role(actor=actor, employee=employee, store=store, role_code=code)
    audit_record(actor=actor, action="employee.create", obj=employee, store=store,
                 after={"username": username, "name": name, "roles": roles})
    return employee


@service_transaction
def employee_assign_role(
    *, actor, employee: Employee, store: Store | None, role_code: str
) -> StaffAssignment:
    role = _role(role_code)
    if role.scope == Role.Scope.GROUP:
        if actor is not None and not actor.is_superuser and not _is_group_admin(actor, employee):
            raise PermissionDenied(_("Only a group administrator may do this."))
        store = None
    else:
        if store is None:
            raise DomainError("store_required", _("The role %s needs a store.") % role.label)
        if store.group_id != employee.group_id:
            raise DomainError("wrong_group", _("The store belongs to another dealer group."))
        _require(actor, store, "core.manage_staff")
    assignment, created = StaffAssignment.objects.get_or_create(
        employee=employee, store=store, role=role
    )
    if created:
        audit_record(actor=actor, action="employee.assign_role", obj=employee, store=store,
                     after={"role": role.code, "store": store.code if store else None})
    forget_cached_permissions(employee.user)
    forget_cached_stores(employee.user)
    return assignment


@service_transaction
def employee_remove_role(*, actor, employee: Employee, store: Store, role_code: str) -> None:
    role = _role(role_code)
    _require(actor, store, "core.manage_staff")
    deleted, _rows = StaffAssignment.objects.filter(
        employee=employee, store=store, role=role
    ).delete()
    if deleted:
        audit_record(actor=actor, action="employee.remove_role", obj=employee, store=store,
                     before={"role": role.code, "store": store.code})
    forget_cached_permissions(employee.user)
    forget_cached_stores(employee.user)


def _is_group_admin(actor, employee: Employee) -> bool:
    actor_employee = getattr(actor, "employee", None)
    return bool(
        actor_employee
        and actor_employee.group_id == employee.group_id
        and StaffAssignment.objects.filter(
            employee=actor_employee, store__isnull=True, role__code="group_admin"
        ).exists()
    )


@service_transaction
def role_permission_adjust(
    *, actor, store: Store, role: Role, permission: Permission, granted: bool | None
) -> None:
    """Grant (True) or withdraw (False) a permission for ``role`` in ``store``, or go back
    to the role's default (None)."""
    _require(actor, store, "core.adjust_role_permissions")
    name = f"{permission.content_type.app_label}.{permission.codename}"
    current = StoreRolePermission.objects.filter(store=store, role=role, permission=permission)
    before = current.values_list("granted", flat=True).first()
    is_default = role.permissions.filter(pk=permission.pk).exists()
    if granted is None or granted == is_default:
        current.delete()
        after = None
    else:
        StoreRolePermission.objects.update_or_create(
            store=store, role=role, permission=permission, defaults={"granted": granted}
        )
        after = granted
    if before != after:
        audit_record(actor=actor, action="role.adjust_permission", obj=role, store=store,
                     before={"permission": name, "granted": before},
                     after={"permission": name, "granted": after})
    if actor is not None:
        forget_cached_permissions(actor)
