"""Stores, staff and roles, and the shared mechanisms every app uses:
audit events, document counters and idempotency records."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import mobile_validator


class DealerGroup(models.Model):
    """A dealer group (经销商集团) owning one or more stores."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("dealer group")
        verbose_name_plural = _("dealer groups")

    def __str__(self) -> str:
        return self.name


class Store(models.Model):
    """A 4S store (门店). Every operational row belongs to one."""

    group = models.ForeignKey(DealerGroup, on_delete=models.PROTECT, related_name="stores")
    code = models.CharField(
        _("code"),
        max_length=10,
        unique=True,
        help_text=_("Short code used in document numbers, e.g. BJ01."),
    )
    name = models.CharField(_("name"), max_length=100)
    brand = models.CharField(_("brand"), max_length=50)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    opens_at = models.TimeField(_("opens at"), default="08:30")
    closes_at = models.TimeField(_("closes at"), default="18:00")
    tax_rate = models.DecimalField(
        _("VAT rate"), max_digits=5, decimal_places=4, default=Decimal("0.1300")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["code"]
        permissions = [
            ("view_personal_data", _("Can view full personal data (mobile, ID numbers)")),
            ("manage_staff", _("Can manage staff and their roles")),
            ("adjust_role_permissions", _("Can adjust role permissions for the store")),
            ("view_audit_log", _("Can view the audit log")),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if self.code and not self.code.isalnum():
            raise ValidationError({"code": _("Use letters and digits only.")})
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": _("Closing time must be after opening time.")})


class Role(models.Model):
    """A named set of permissions (角色). Defaults come from code; stores adjust them."""

    class Scope(models.TextChoices):
        GROUP = "group", _("Group")
        STORE = "store", _("Store")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope, default=Scope.STORE)
    rank = models.PositiveSmallIntegerField(_("display order"), default=100)
    permissions = models.ManyToManyField(Permission, blank=True, related_name="siwei_roles")

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["rank", "code"]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        """The role's name in the user's language (the spec's role table)."""
        from .roles import ROLE_LABELS

        return ROLE_LABELS.get(self.code, self.name)


class StoreRolePermission(models.Model):
    """A store's adjustment of a role: a permission granted or withdrawn in that store."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="role_adjustments")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="store_adjustments")
    permission = models.ForeignKey(Permission, on_delete=models.CASCADE, related_name="+")
    granted = models.BooleanField(_("granted"))

    class Meta:
        verbose_name = _("role adjustment")
        verbose_name_plural = _("role adjustments")
        default_permissions = ()  # changed through core.adjust_role_permissions
        constraints = [
            models.UniqueConstraint(
                fields=["store", "role", "permission"], name="core_store_role_perm_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.store_id}:{self.role_id}:{self.permission_id}={self.granted}"


class Employee(models.Model):
    """Staff profile (员工) of a Django user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employee"
    )
    group = models.ForeignKey(DealerGroup, on_delete=models.PROTECT, related_name="employees")
    name = models.CharField(_("name"), max_length=50)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[mobile_validator])
    default_store = models.ForeignKey(
        Store, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StaffAssignment(models.Model):
    """One role of one employee in one store. A group-scoped role has no store and
    applies in every store of the employee's group."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="assignments")
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments"
    )
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="assignments")

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        default_permissions = ()  # changed through core.manage_staff
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "store", "role"], name="core_assignment_unique"
            ),
            models.UniqueConstraint(
                fields=["employee", "role"],
                condition=models.Q(store__isnull=True),
                name="core_group_assignment_unique",
            ),
        ]
        indexes = [models.Index(fields=["store", "role"], name="core_assign_store_role")]

    def __str__(self) -> str:
        return f"{self.employee_id}:{self.role_id}@{self.store_id or '*'}"


class AuditEvent(models.Model):
    """Append-only record of a change (审计日志): who, when, store, object, action,
    before/after. Written by services through ``siwei.core.audit.audit_record``."""

    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("time"))
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        default_permissions = ()  # read through core.view_audit_log; never changed
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["store", "-at"], name="core_audit_store_at"),
            models.Index(fields=["object_type", "object_id"], name="core_audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("audit events are append-only")

    @property
    def action_label(self) -> str:
        from .audit import action_label

        return action_label(self.action)

    @property
    def actor_name(self) -> str:
        """The employee's name, the username, or "system" for automatic changes."""
        if self.actor is None:
            return str(_("system"))
        employee = getattr(self.actor, "employee", None)
        return employee.name if employee else self.actor.get_username()


class DocumentCounter(models.Model):
    """The last number handed out per store, document type and day. Locked in the
    transaction that creates the document, so numbers are gapless and unique."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")
    doc_type = models.CharField(max_length=10)
    day = models.DateField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["store", "doc_type", "day"], name="core_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.doc_type} {self.store_id} {self.day}: {self.last_value}"


class IdempotencyRecord(models.Model):
    """The first response to a POST sent with an ``Idempotency-Key``; replays get it back."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    body_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class ScheduledRun(models.Model):
    """The last slot the scheduler enqueued for a periodic job (``siwei scheduler``). Locked
    while a slot is claimed, so a restart neither loses nor repeats a run and two
    schedulers never enqueue one slot twice."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    last_slot = models.DateTimeField(_("last slot"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("enqueued"), null=True, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_slot}"
