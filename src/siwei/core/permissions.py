"""Store-aware permissions: a user's permissions are those of their roles in the
active store, as adjusted by that store."""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend
from django.db.models import BooleanField, Q, Value
from django.utils.translation import gettext_lazy as _

ROLE_DEFAULTS = {
    "group_admin": ["*"],
    "store_manager": ["*"],
    "sales_manager": ["core.view_personal_data", "core.view_audit_log"],
    "sales_consultant": ["core.view_personal_data"],
    "receptionist": ["core.view_personal_data"],
    "service_manager": ["core.view_personal_data", "core.view_audit_log"],
    "service_advisor": ["core.view_personal_data"],
    "customer_service": ["core.view_personal_data"],
}

_CACHE_ATTR = "_siwei_store_perms"

_ACTION_LABELS = {
    "add": _("Add %(model)s"),
    "change": _("Change %(model)s"),
    "delete": _("Delete %(model)s"),
    "view": _("View %(model)s"),
}


def permission_label(permission) -> str:
    """A permission's name in the user's language. Django stores generated names in
    English, so they are rebuilt here from the model's translated verbose name."""
    model = permission.content_type.model_class()
    if model is None:
        return permission.name
    for codename, name in getattr(model._meta, "permissions", ()):
        if codename == permission.codename:
            return str(name)
    action, _sep, model_name = permission.codename.partition("_")
    if action in _ACTION_LABELS and model_name == model._meta.model_name:
        return str(_ACTION_LABELS[action] % {"model": model._meta.verbose_name})
    return permission.name


def store_permissions(user, store) -> frozenset[str]:
    """Permission names (``app_label.codename``) the user holds in ``store``."""
    if not user or not user.is_active or not user.is_authenticated or store is None:
        return frozenset()
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    if store.pk in cache:
        return cache[store.pk]
    from .models import Role, StaffAssignment, StoreRolePermission

    # One query: the user's roles here with each role's default permissions (``None``)
    # and the store's adjustments (granted or withdrawn).
    role_ids = StaffAssignment.objects.filter(
        employee__user=user, employee__is_active=True).filter(
        Q(store=store) | Q(store__isnull=True, employee__group_id=store.group_id)
    ).values("role_id")
    defaults = Role.permissions.through.objects.filter(role_id__in=role_ids).annotate(
        granted=Value(None, output_field=BooleanField())).values_list(
        "role_id", "permission__content_type__app_label", "permission__codename", "granted")
    adjustments = StoreRolePermission.objects.filter(store=store, role_id__in=role_ids).values_list(
        "role_id", "permission__content_type__app_label", "permission__codename", "granted")
    rows = list(defaults.union(adjustments, all=True))
    # Per role: its defaults, plus what the store granted, less what the store withdrew.
    per_role: dict[int, set[str]] = {}
    for role_id, app, code, granted in rows:
        if granted is None:
            per_role.setdefault(role_id, set()).add(f"{app}.{code}")
    for role_id, app, code, granted in rows:
        if granted is not None:
            perms = per_role.setdefault(role_id, set())
            (perms.add if granted else perms.discard)(f"{app}.{code}")
    result = frozenset().union(*per_role.values())
    cache[store.pk] = result
    return result


def has_store_perm(user, store, perm: str) -> bool:
    if user.is_superuser and user.is_active:
        return True
    return perm in store_permissions(user, store)


def forget_cached_permissions(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


class StoreRoleBackend(BaseBackend):
    """``user.has_perm(perm, store)`` checks one store; without a store, any of the
    user's stores."""

    def has_perm(self, user_obj, perm, obj=None):
        from .models import Store

        if not user_obj.is_active:
            return False
        if isinstance(obj, Store):
            return perm in store_permissions(user_obj, obj)
        if obj is not None:
            store = getattr(obj, "store", None)
            return isinstance(store, Store) and perm in store_permissions(user_obj, store)
        from .scoping import user_stores

        return any(perm in store_permissions(user_obj, s) for s in user_stores(user_obj))
