"""Test data builders shared by every app's tests."""

from __future__ import annotations

import itertools

import factory
from django.contrib.auth import get_user_model

from siwei.core.models import DealerGroup, Employee, StaffAssignment, Store
from siwei.core.roles import sync_roles

_usernames = itertools.count(1)


class DealerGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DealerGroup
        django_get_or_create = ("code",)

    code = "TEST"
    name = "测试汽车集团"


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store
        django_get_or_create = ("code",)

    group = factory.SubFactory(DealerGroupFactory)
    code = factory.Sequence(lambda n: f"T{n:02d}")
    name = factory.LazyAttribute(lambda o: f"{o.code} 测试店")
    brand = "大众"


def make_staff(*roles: str, store: Store | None = None, username: str | None = None,
               group: DealerGroup | None = None, password: str = "pw-for-tests-1") -> object:
    """A user with an employee profile holding ``roles`` in ``store`` (group roles in none)."""
    from siwei.core.models import Role

    if not Role.objects.exists():
        sync_roles()
    group = group or (store.group if store else DealerGroupFactory())
    user = get_user_model().objects.create_user(
        username=username or f"user{next(_usernames)}", password=password
    )
    employee = Employee.objects.create(user=user, group=group, name=user.username,
                                       default_store=store)
    for code in roles:
        role = Role.objects.get(code=code)
        StaffAssignment.objects.create(
            employee=employee, role=role, store=None if role.scope == "group" else store
        )
    return user
