"""Which rows belong to a store (FN-10 "the dealer owns the data").

Every table is classified once, from the models alone, so that a table added later is
exported without touching this module:

- the store's dealer group and the group's stores;
- every table with a ``store`` foreign key: the store's rows;
- the group's master data (tables with a ``group`` key and no store: vehicle models,
  parts catalog, suppliers, labour operations, questionnaires …);
- child tables without either key (order lines, jobs, answers, many-to-many links):
  the rows whose parent is exported;
- the roles, the store's staff (users with a role in the store) and their employee
  records; users are written without password hashes;
- then the closure: any row an exported row refers to (a customer of the other store,
  the user who wrote an audit event) is added so that the export loads on its own.

Content types, permissions and roles are written by natural key (``app.model``,
``app.codename``, role code) since their ids differ between databases.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q

from siwei.core.models import DealerGroup, Employee, Role, Store

# Tables that are not the store's business data: request bookkeeping, the scheduler and
# the export jobs themselves.
EXCLUDED = frozenset({"core.idempotencyrecord", "core.scheduledrun", "reports.storeexport"})
# Tables migrate fills in every database: referred to by natural key, not exported.
NATURAL_ONLY = frozenset({"contenttypes.contenttype", "auth.permission"})
# Exported, but merged into the rows migrate created (by role code) on import.
MERGED = frozenset({"core.role", "core.role_permissions"})
# Fields never written: credentials.
SECRET_FIELDS = {"auth.user": frozenset({"password"})}
MAX_CLOSURE_ROUNDS = 10


def _label(model) -> str:
    return model._meta.label_lower


def candidate_models() -> list[type[models.Model]]:
    """The Siwei apps' concrete tables (with auto-created many-to-many links) and users."""
    from siwei.core.registry import siwei_app_configs

    labels = {config.label for config in siwei_app_configs()}
    result = [get_user_model()]
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label in labels and not meta.proxy and _label(model) not in EXCLUDED:
            result.append(model)
    return result


def concrete_fks(model) -> list[models.ForeignKey]:
    """The foreign keys (and one-to-one keys) stored in the model's table."""
    return [f for f in model._meta.concrete_fields if f.is_relation]


@dataclass
class TablePlan:
    model: type[models.Model]
    base: models.QuerySet
    extra: set = field(default_factory=set)

    @property
    def label(self) -> str:
        return _label(self.model)

    def queryset(self, using: str | None = None) -> models.QuerySet:
        qs = self.base
        if self.extra:
            qs = self.model._base_manager.filter(Q(pk__in=qs.values("pk"))
                                                 | Q(pk__in=sorted(self.extra)))
        return qs.using(using) if using else qs


def _has_field(model, name: str, target) -> bool:
    try:
        fk = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return getattr(fk, "concrete", False) and fk.is_relation and fk.related_model is target


def store_plan(store: Store) -> dict[str, TablePlan]:
    """``label → TablePlan`` of every table exported for ``store``."""
    user_model = get_user_model()
    group = store.group
    plans: dict[str, TablePlan] = {}
    pending: list[type[models.Model]] = []

    def add(model, qs) -> None:
        plans[_label(model)] = TablePlan(model=model, base=qs.order_by())

    for model in candidate_models():
        manager = model._base_manager
        if model is DealerGroup:
            add(model, manager.filter(pk=group.pk))
        elif model is Store:
            add(model, manager.filter(group=group))
        elif model is Role:
            add(model, manager.all())
        elif model is user_model:
            staff = Q(employee__assignments__store=store) | Q(employee__default_store=store)
            add(model, manager.filter(pk__in=manager.filter(staff, employee__group=group)
                                      .values("pk")))
        elif model is Employee:
            pending.append(model)  # follows the users, after the closure
        elif _has_field(model, "store", Store):
            add(model, manager.filter(store=store))
        elif _has_field(model, "group", DealerGroup):
            add(model, manager.filter(group=group))
        else:
            pending.append(model)
    _add_children(plans, [m for m in pending if m is not Employee])
    _close(plans)
    users = plans[_label(user_model)]
    plans[_label(Employee)] = TablePlan(
        model=Employee, base=Employee._base_manager.filter(user__in=users.queryset().values("pk")))
    _close(plans)
    return plans


def _add_children(plans: dict[str, TablePlan], pending: list) -> None:
    """Child tables: the rows whose parent (a non-null key, preferably to a store table)
    is exported. Repeats until no more tables can be placed (grandchildren)."""
    store_tables = {label for label, p in plans.items() if _has_field(p.model, "store", Store)}
    progress = True
    while pending and progress:
        progress = False
        for model in list(pending):
            parents = [f for f in concrete_fks(model) if not f.null
                       and f.related_model is not model and _label(f.related_model) in plans]
            if not parents:
                continue
            parents.sort(key=lambda f: _label(f.related_model) not in store_tables)
            fk = parents[0]
            parent = plans[_label(fk.related_model)]
            plans[_label(model)] = TablePlan(
                model=model,
                base=model._base_manager.filter(**{f"{fk.attname}__in": parent.base.values("pk")})
                .order_by())
            if _label(fk.related_model) in store_tables:
                store_tables.add(_label(model))
            pending.remove(model)
            progress = True


def _close(plans: dict[str, TablePlan]) -> None:
    """Add every row an exported row refers to that is not exported yet."""
    for _round in range(MAX_CLOSURE_ROUNDS):
        added = False
        for plan in list(plans.values()):
            for fk in concrete_fks(plan.model):
                target = plans.get(_label(fk.related_model))
                if target is None:
                    continue
                missing = set(target.model._base_manager.filter(
                    pk__in=plan.queryset().exclude(**{f"{fk.attname}__isnull": True})
                    .values(fk.attname)).exclude(pk__in=target.queryset().values("pk"))
                    .values_list("pk", flat=True))
                if missing:
                    target.extra |= missing
                    added = True
        if not added:
            return
    raise RuntimeError("references between rows did not settle; the export is incomplete")


def dependency_order(models_: list[type[models.Model]]) -> list[type[models.Model]]:
    """Tables ordered so that a table comes after the tables it refers to; cycles (two
    tables referring to each other through nullable keys) are broken at a nullable key.
    The import runs in one transaction with deferred constraint checks, so the order is
    what a reader expects rather than a requirement."""
    remaining = {_label(m): m for m in models_}
    deps = {label: {(_label(f.related_model), f.null) for f in concrete_fks(m)
                    if _label(f.related_model) in remaining and f.related_model is not m}
            for label, m in remaining.items()}
    ordered: list[type[models.Model]] = []
    done: set[str] = set()
    while remaining:
        ready = sorted(label for label in remaining
                       if all(dep in done for dep, _null in deps[label]))
        if not ready:  # a cycle: take the table whose unmet keys are all nullable
            ready = sorted(remaining, key=lambda label: (
                sum(1 for dep, null in deps[label] if dep not in done and not null),
                sum(1 for dep, _null in deps[label] if dep not in done), label))[:1]
        for label in ready:
            ordered.append(remaining.pop(label))
            done.add(label)
    return ordered
