"""Base classes for the API: every request acts in one store (``X-Store``), and
POSTs honour ``Idempotency-Key``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from rest_framework import permissions, viewsets
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.response import Response

from ..permissions import has_store_perm
from ..scoping import resolve_store
from .idempotency import IdempotentMixin


class StoreContextMixin:
    """Sets ``request.store`` from ``X-Store`` (or the user's default store) once the
    user is authenticated; a store the user does not belong to is 403."""

    def initial(self, request, *args, **kwargs):
        # The store must be known before the permission checks of ``initial`` run.
        self.perform_authentication(request)
        request.store = None
        if request.user and request.user.is_authenticated:
            try:
                request.store = resolve_store(request.user, request.headers.get("X-Store"))
            except PermissionDenied as exc:
                raise DRFPermissionDenied(str(exc)) from exc
            if request.store is None and not request.user.is_superuser:
                raise DRFPermissionDenied("You are not assigned to any store.")
        super().initial(request, *args, **kwargs)


class HasStorePermission(permissions.BasePermission):
    """Checks the view's ``required_permissions`` (per HTTP method or action) in the
    request's store: ``{"list": "crm.view_customer", "create": "crm.add_customer"}``."""

    def has_permission(self, request, view) -> bool:
        required = getattr(view, "required_permissions", {}) or {}
        key = getattr(view, "action", None) or request.method.lower()
        perm = required.get(key) or required.get("*")
        if perm is None:
            return True
        return request.store is not None and has_store_perm(request.user, request.store, perm)


class SiweiAPIMixin(IdempotentMixin, StoreContextMixin):
    permission_classes = [permissions.IsAuthenticated, HasStorePermission]


class StoreScopedViewSet(SiweiAPIMixin, viewsets.GenericViewSet):
    """A viewset over store-owned rows: lists only the stores the user belongs to and
    creates new rows in the request's store."""

    def get_queryset(self):
        return super().get_queryset().for_user(self.request.user)


class StoreSettingsViewSet(SiweiAPIMixin, viewsets.GenericViewSet):
    """One resource per store, its settings: GET on the collection URL reads those of the
    ``X-Store`` store, PATCH there changes some of them (400 naming a field out of range).
    A subclass names ``input_serializer_class`` and implements ``read`` and ``write`` (a
    service call); its schema comes from ``extend_schema_view(change=...)``."""

    input_serializer_class = None

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        # A single resource: the collection URL also takes PATCH.
        if actions and actions.get("get") == "list":
            actions = {**actions, "patch": "change"}
        return super().as_view(actions, **initkwargs)

    def read(self, store):
        raise NotImplementedError

    def write(self, *, actor, store, **fields):
        raise NotImplementedError

    def list(self, request):
        return Response(self.get_serializer(self.read(request.store)).data)

    def change(self, request):
        data = self.input_serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        row = self.write(actor=request.user, store=request.store, **data.validated_data)
        return Response(self.get_serializer(row).data)
