"""Helpers shared by the departments' API viewsets."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.response import Response


class StoreScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A reference to another record by ``id``, limited to the request's store, so that
    nobody can point at another store's rows."""

    def get_queryset(self):
        request = self.context.get("request")
        queryset = super().get_queryset()
        if request is None or getattr(request, "store", None) is None:
            return queryset.none()
        return queryset.filter(store=request.store)


class GroupScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A reference to master data of the request's dealer group."""

    def get_queryset(self):
        request = self.context.get("request")
        queryset = super().get_queryset()
        if request is None or getattr(request, "store", None) is None:
            return queryset.none()
        return queryset.filter(group_id=request.store.group_id)


def action_response(view, instance, status: int = 200) -> Response:
    """Actions return the updated record (api.md)."""
    instance.refresh_from_db()
    return Response(view.get_serializer(instance).data, status=status)
