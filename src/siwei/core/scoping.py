"""Store scoping: which stores a user may see, the active store of a request, and the
queryset helpers every app uses so that no query leaks another store's rows."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

_CACHE_ATTR = "_siwei_stores"


def user_stores(user) -> list:
    """The active stores the user belongs to, ordered by code (cached on the user)."""
    if not user or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from .models import StaffAssignment, Store

    stores = Store.objects.filter(is_active=True).select_related("group")
    if not user.is_superuser:
        employee = getattr(user, "employee", None)
        if employee is None or not employee.is_active:
            stores = stores.none()
        else:
            # A group-wide assignment (no store) opens every store of the group; otherwise
            # the stores assigned. One query either way.
            group_wide = StaffAssignment.objects.filter(employee=employee, store__isnull=True)
            assigned = StaffAssignment.objects.filter(employee=employee,
                                                      store=models.OuterRef("pk"))
            stores = stores.filter(
                models.Q(models.Exists(group_wide), group_id=employee.group_id)
                | models.Exists(assigned))
    result = list(stores.order_by("code"))
    setattr(user, _CACHE_ATTR, result)
    return result


def user_store_ids(user) -> set[int]:
    return {store.pk for store in user_stores(user)}


def default_store(user):
    stores = user_stores(user)
    if not stores:
        return None
    employee = getattr(user, "employee", None)
    preferred = getattr(employee, "default_store_id", None)
    return next((s for s in stores if s.pk == preferred), stores[0])


def resolve_store(user, code: str | None = None, store_id: int | None = None):
    """The store a request acts in: the one named (by code or id) if the user belongs to
    it, otherwise the user's default. Naming a store the user does not belong to raises
    ``PermissionDenied``."""
    stores = user_stores(user)
    if code:
        match = next((s for s in stores if s.code.lower() == code.strip().lower()), None)
        if match is None:
            raise PermissionDenied(_("You do not work in store %(code)s.") % {"code": code})
        return match
    if store_id is not None:
        match = next((s for s in stores if s.pk == store_id), None)
        if match is not None:
            return match
    return default_store(user)


def forget_cached_stores(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


class StoreScopedQuerySet(models.QuerySet):
    """Querysets of operational rows: always narrow them with one of these."""

    store_field = "store"

    def for_store(self, store) -> StoreScopedQuerySet:
        return self.filter(**{f"{self.store_field}_id": store.pk})

    def for_stores(self, stores) -> StoreScopedQuerySet:
        return self.filter(**{f"{self.store_field}_id__in": [s.pk for s in stores]})

    def for_user(self, user) -> StoreScopedQuerySet:
        return self.filter(**{f"{self.store_field}_id__in": user_store_ids(user)})


class StoreOwnedModel(models.Model):
    """Base for operational rows: each has a store, and its default manager scopes."""

    store = models.ForeignKey("core.Store", on_delete=models.PROTECT, related_name="+")

    objects = StoreScopedQuerySet.as_manager()

    class Meta:
        abstract = True
