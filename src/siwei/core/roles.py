"""The roles of the specification and their default permissions.

Each app may declare ``ROLE_DEFAULTS = {"role_code": ["app_label.codename", ...]}`` in its
``permissions`` module; ``sync_roles`` merges them into the ``Role`` rows after every
migrate. Stores adjust a role with ``StoreRolePermission`` rows, which sync never touches.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .registry import app_modules, siwei_app_configs

ALL = "*"  # every permission of the Siwei apps


@dataclass(frozen=True)
class RoleSpec:
    code: str
    name: str
    scope: str = "store"


ROLES: tuple[RoleSpec, ...] = (
    RoleSpec("group_admin", _("Group administrator"), "group"),
    RoleSpec("store_manager", _("Store manager")),
    RoleSpec("sales_manager", _("Sales manager")),
    RoleSpec("sales_consultant", _("Sales consultant")),
    RoleSpec("receptionist", _("Showroom receptionist")),
    RoleSpec("service_manager", _("Service manager")),
    RoleSpec("service_advisor", _("Service advisor")),
    RoleSpec("foreman", _("Workshop foreman")),
    RoleSpec("technician", _("Technician")),
    RoleSpec("qc_inspector", _("QC inspector")),
    RoleSpec("parts_clerk", _("Parts clerk")),
    RoleSpec("parts_manager", _("Parts manager")),
    RoleSpec("warranty_clerk", _("Warranty clerk")),
    RoleSpec("cashier", _("Cashier")),
    RoleSpec("customer_service", _("Customer service agent")),
    RoleSpec("finance", _("Finance")),
)
ROLE_CODES = tuple(role.code for role in ROLES)
ROLE_LABELS = {role.code: role.name for role in ROLES}

def collect_defaults() -> dict[str, set[str]]:
    """Merge every app's ROLE_DEFAULTS into role code -> permission names."""
    merged: dict[str, set[str]] = {code: set() for code in ROLE_CODES}
    for module in app_modules("permissions"):
        for code, perms in getattr(module, "ROLE_DEFAULTS", {}).items():
            if code not in merged:
                raise ValueError(f"{module.__name__} names unknown role {code!r}")
            merged[code].update(perms)
    return merged


def _resolve(names: set[str]) -> list[Permission]:
    labels = [c.label for c in siwei_app_configs()]
    siwei_perms = Permission.objects.filter(content_type__app_label__in=labels).select_related(
        "content_type"
    )
    if ALL in names:
        return list(siwei_perms)
    wanted = {tuple(name.split(".", 1)) for name in names}
    return [p for p in siwei_perms if (p.content_type.app_label, p.codename) in wanted]


@transaction.atomic
def sync_roles() -> None:
    """Create the roles and set their default permissions from code."""
    from .models import Role

    defaults = collect_defaults()
    for rank, spec in enumerate(ROLES):
        role, _created = Role.objects.update_or_create(
            code=spec.code, defaults={"name": str(spec.name), "scope": spec.scope, "rank": rank}
        )
        role.permissions.set(_resolve(defaults[spec.code]))


def sync_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate hook: keep the role table in step with code after every migrate. It
    runs once, after the last app with models (Django signals only those), when all
    permissions exist."""
    from django.apps import apps

    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    if using != "default" or sender is not with_models[-1]:
        return
    sync_roles()
