"""Pages of the core app: role home, store switch, staff, roles, audit log, health."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .dashboards import cards_for
from .errors import DomainError
from .forms import EmployeeCreateForm, StoreSwitchForm
from .middleware import SESSION_KEY
from .models import Role, StoreRolePermission
from .paging import paginate
from .permissions import has_store_perm, permission_label, store_permissions
from .registry import siwei_app_configs
from .scoping import resolve_store
from .selectors import audit_events, employee_list, employee_roles
from .services import employee_create, role_permission_adjust


def require_store_perm(perm: str):
    """Page decorator: the user must hold ``perm`` in the active store (else 403)."""

    def decorate(view):
        @login_required
        def wrapped(request, *args, **kwargs):
            if request.store is None or not has_store_perm(request.user, request.store, perm):
                return render(request, "403.html", status=403)
            return view(request, *args, **kwargs)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorate


def _home_role(request: HttpRequest):
    """The user's roles in the active store and the one the home page shows (the first by
    rank, or the one chosen with ``?role=``)."""
    store = request.store if request.store else None
    roles = employee_roles(request.user, store) if store else []
    wanted = request.GET.get("role")
    return roles, next((r for r in roles if r.code == wanted), roles[0] if roles else None)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The home page of the user's role in the active store; lazy cards are fetched
    afterwards through ``home_card``."""
    roles, chosen = _home_role(request)
    cards = []
    if chosen is not None:
        for card in cards_for(chosen.code):
            context = None if card.lazy else card.context(request)
            cards.append({"card": card, "context": context})
    return render(request, "core/home.html", {"roles": roles, "role": chosen, "cards": cards})


@require_GET
@login_required
def home_card(request: HttpRequest, key: str) -> HttpResponse:
    """One card of the home page of the user's role (``?role=``), rendered on its own."""
    _roles, chosen = _home_role(request)
    card = next((c for c in cards_for(chosen.code) if c.key == key), None) if chosen else None
    if card is None:
        raise Http404
    return render(request, "core/home_card.html", {"card": card, "context": card.context(request)})


@require_POST
@login_required
def store_switch(request: HttpRequest) -> HttpResponse:
    form = StoreSwitchForm(request.POST)
    target = "home"
    if form.is_valid():
        store = resolve_store(request.user, store_id=form.cleaned_data["store"])
        if store is not None and store.pk == form.cleaned_data["store"]:
            request.session[SESSION_KEY] = store.pk
            messages.success(request, _("Now working in %(store)s.") % {"store": store})
        else:
            messages.error(request, _("You do not work in that store."))
        next_url = form.cleaned_data.get("next") or ""
        if url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
            target = next_url
    return redirect(target)


@require_store_perm("core.manage_staff")
def staff(request: HttpRequest) -> HttpResponse:
    store = request.store
    form = EmployeeCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            employee_create(
                actor=request.user,
                group=store.group,
                username=form.cleaned_data["username"],
                name=form.cleaned_data["name"],
                mobile=form.cleaned_data["mobile"],
                password=form.cleaned_data["password"],
                store=store,
                roles=[r.code for r in form.cleaned_data["roles"]],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Employee created."))
            return redirect("core:staff")
    page = paginate(request, employee_list(store=store))
    return render(request, "core/staff.html", {"page": page, "form": form})


def _siwei_permissions():
    labels = [c.label for c in siwei_app_configs()]
    return (
        Permission.objects.filter(content_type__app_label__in=labels)
        .select_related("content_type")
        .order_by("content_type__app_label", "content_type__model", "codename")
    )


@require_store_perm("core.adjust_role_permissions")
def roles(request: HttpRequest) -> HttpResponse:
    """The roles of the store, and their permissions as this store adjusted them."""
    store = request.store
    all_roles = list(Role.objects.filter(scope=Role.Scope.STORE).order_by("rank"))
    role = next((r for r in all_roles if r.code == request.GET.get("role")), all_roles[0])
    if request.method == "POST":
        permission_id = request.POST.get("permission", "")
        permission = get_object_or_404(
            _siwei_permissions(), pk=int(permission_id) if permission_id.isdigit() else 0
        )
        choice = request.POST.get("granted")
        granted = {"grant": True, "withdraw": False}.get(choice)
        try:
            role_permission_adjust(actor=request.user, store=store, role=role,
                                   permission=permission, granted=granted)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(f"{request.path}?role={role.code}")
    defaults = set(role.permissions.values_list("pk", flat=True))
    adjustments = dict(
        StoreRolePermission.objects.filter(store=store, role=role).values_list(
            "permission_id", "granted"
        )
    )
    rows = []
    for perm in _siwei_permissions():
        adjusted = adjustments.get(perm.pk)
        model = perm.content_type.model_class()
        rows.append({
            "permission": perm,
            "label": permission_label(perm),
            "section": model._meta.verbose_name_plural if model else perm.content_type.app_label,
            "default": perm.pk in defaults,
            "adjusted": adjusted,
            "effective": adjusted if adjusted is not None else perm.pk in defaults,
        })
    return render(request, "core/roles.html", {"roles": all_roles, "role": role, "rows": rows})


@require_store_perm("core.view_audit_log")
def audit(request: HttpRequest) -> HttpResponse:
    events = audit_events(user=request.user, store=request.store,
                          object_type=request.GET.get("type", ""))
    return render(request, "core/audit.html", {"page": paginate(request, events)})


@login_required
def my_permissions(request: HttpRequest) -> HttpResponse:
    store = request.store
    perms = sorted(store_permissions(request.user, store)) if store else []
    return render(request, "core/my_permissions.html", {"perms": perms})


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is alive."""
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """The database answers and every migration is applied."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # the probe reports any database failure as not ready
        return JsonResponse({"status": "unavailable", "error": type(exc).__name__}, status=503)
    if pending:
        return JsonResponse({"status": "migrations_pending", "pending": len(pending)}, status=503)
    return JsonResponse({"status": "ok"})


def refusal_message(exc: Exception) -> str:
    """What to tell the user when a service refused: the rule's message, the field
    messages, or that the permission is missing."""
    if isinstance(exc, DomainError):
        return str(exc.message)
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You may not do this.")


def run_page_action(request: HttpRequest, actions: dict, obj) -> HttpResponse | None:
    """One button on a document page = one service call. ``actions`` maps the posted
    ``action`` to ``(permission, run(request, obj))``. Returns a 403 page when the user
    lacks the permission, else None after showing any refusal as a message; the caller
    redirects back to the document."""
    name = request.POST.get("action", "")
    if name not in actions:
        raise Http404
    perm, run = actions[name]
    if not has_store_perm(request.user, request.store, perm):
        return render(request, "403.html", status=403)
    try:
        run(request, obj)
    except (DomainError, ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal_message(exc))
    return None
