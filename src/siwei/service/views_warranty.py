"""Pages of the warranty clerk (claims, failed parts shelf), the knowledge base and the
service manager's equipment ledger, instruments and tool loans (SV-17 … SV-20)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siwei.core import clock
from siwei.core.errors import DomainError
from siwei.core.exports import xlsx_response
from siwei.core.paging import paginate
from siwei.core.periods import period_from_request
from siwei.core.permissions import has_store_perm
from siwei.core.views import require_store_perm
from siwei.crm.models import VehicleModel

from . import selectors_warranty as selectors
from .forms_warranty import (
    ApproveForm,
    CalibrationForm,
    ClaimForm,
    EquipmentForm,
    EquipmentLogForm,
    KnowledgeForm,
    LendForm,
    RejectForm,
)
from .models import (
    CLAIM_FLOW,
    ClaimStatus,
    Equipment,
    EquipmentKind,
    FailedPartTag,
    KnowledgeEntry,
    KnowledgeStatus,
    RepairOrder,
    TagStatus,
    ToolLoan,
    WarrantyClaim,
)
from .services import equipment as equipment_services
from .services import knowledge as knowledge_services
from .services import warranty as claim_services
from .services.maintenance import vehicles_due


def _refusal(request, exc: Exception) -> None:
    if isinstance(exc, DomainError):
        messages.error(request, exc.message)
    elif isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, str(exc))


# --- warranty claims (SV-17) ----------------------------------------------------------


@require_store_perm("service.view_warrantyclaim")
def claim_list(request: HttpRequest) -> HttpResponse:
    """The clerk's claims by state, the repair orders waiting for a claim, and the KPIs."""
    store = request.store
    status = request.GET.get("status", "")
    status = status if status in ClaimStatus.values else ""
    q = request.GET.get("q", "").strip()
    claims = selectors.claims_for(store=store, status=status or None, q=q)
    if request.GET.get("format") == "xlsx":
        return xlsx_response("warranty-claims", [(_("Warranty claims"), [
            _("Number"), _("Repair order"), "VIN", _("Model"), _("Mileage (km)"),
            _("Repair date"), _("Failure code"), _("Labour hours"), _("Claimed amount"),
            _("Status"), _("Approved amount"), _("Rejection reason"), _("Submissions"),
            _("First submitted"), _("Paid")], (
            [c.number, c.repair_order.number, c.vin, str(c.vehicle.model or ""), c.mileage,
             c.repair_date, c.failure_code, c.labour_hours, c.amount, c.get_status_display(),
             c.approved_amount, c.rejection_reason, c.submissions, c.first_submitted_at,
             c.paid_at] for c in claims))])
    start, end = period_from_request(request)
    return render(request, "service/warranty/claim_list.html", {
        "page": paginate(request, claims), "status": status, "q": q,
        "statuses": ClaimStatus.choices, "counts": selectors.claim_counts(store=store),
        "awaiting": selectors.ros_awaiting_claim(store=store)[:20],
        "kpis": selectors.claim_kpis(store=store, start=start, end=end),
        "start": start, "end": end,
        "can_add": has_store_perm(request.user, store, "service.add_warrantyclaim")})


@require_POST
@require_store_perm("service.add_warrantyclaim")
def claim_new(request: HttpRequest, ro: int) -> HttpResponse:
    repair_order = RepairOrder.objects.for_store(request.store).filter(pk=ro).first()
    if repair_order is None:
        raise Http404
    try:
        claim = claim_services.claim_create_from_repair_order(actor=request.user,
                                                              repair_order=repair_order)
    except (DomainError, ValidationError) as exc:
        _refusal(request, exc)
        return redirect("service:warranty-claims")
    messages.success(request, _("Claim %s created.") % claim.number)
    return redirect("service:warranty-claim", pk=claim.pk)


def _claim(request, pk: int) -> WarrantyClaim:
    claim = selectors.claims_for(store=request.store).filter(pk=pk).first()
    if claim is None:
        raise Http404
    return claim


@require_store_perm("service.view_warrantyclaim")
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    can_change = has_store_perm(request.user, request.store, "service.change_warrantyclaim")
    editable = can_change and CLAIM_FLOW.allowed(claim.status, "edit")
    return render(request, "service/warranty/claim_detail.html", {
        "claim": claim, "lines": claim.lines.select_related("part"),
        "tags": claim.failed_parts.select_related("part"),
        "form": ClaimForm(claim=claim, initial={
            "complaint": claim.complaint, "cause": claim.cause, "correction": claim.correction,
            "causal_part": claim.causal_part_id, "failure_code": claim.failure_code})
        if editable else None,
        "approve_form": ApproveForm(initial={"amount": claim.amount}),
        "reject_form": RejectForm(),
        "actions": [a for a in CLAIM_FLOW.actions_from(claim.status) if a != "edit"]
        if can_change else [],
        "can_change": can_change})


def _claim_update(request, claim):
    form = ClaimForm(request.POST, claim=claim)
    if not form.is_valid():
        raise ValidationError(form.errors)
    claim_services.claim_update(actor=request.user, claim=claim, **form.cleaned_data)
    messages.success(request, _("Claim saved."))


def _claim_approve(request, claim):
    form = ApproveForm(request.POST)
    if not form.is_valid():
        raise ValidationError(form.errors)
    claim_services.claim_approve(actor=request.user, claim=claim,
                                 amount=form.cleaned_data["amount"])


CLAIM_ACTIONS = {
    "update": _claim_update,
    "submit": lambda r, c: claim_services.claim_submit(actor=r.user, claim=c),
    "approve": _claim_approve,
    "reject": lambda r, c: claim_services.claim_reject(actor=r.user, claim=c,
                                                      reason=r.POST.get("reason", "")),
    "resubmit": lambda r, c: claim_services.claim_resubmit(actor=r.user, claim=c),
    "mark_paid": lambda r, c: claim_services.claim_mark_paid(actor=r.user, claim=c),
}


@require_POST
@require_store_perm("service.change_warrantyclaim")
def claim_action(request: HttpRequest, pk: int) -> HttpResponse:
    """One button on the claim page = one service call; refusals show as messages."""
    claim = _claim(request, pk)
    run = CLAIM_ACTIONS.get(request.POST.get("action", ""))
    if run is None:
        raise Http404
    try:
        run(request, claim)
    except (DomainError, ValidationError) as exc:
        _refusal(request, exc)
    return redirect("service:warranty-claim", pk=claim.pk)


@require_store_perm("service.view_failedparttag")
def failed_parts(request: HttpRequest) -> HttpResponse:
    """The failed-parts shelf: parts kept tagged until the OEM's instruction."""
    status = request.GET.get("status", TagStatus.KEPT)
    status = status if status in TagStatus.values else ""
    tags = selectors.failed_parts(store=request.store, status=status or None)
    if request.GET.get("format") == "xlsx":
        return xlsx_response("failed-parts", [(_("Failed parts"), [
            _("Tag"), _("Claim"), _("Claim status"), _("Part number"), _("Part"),
            _("Quantity"), _("Tagged"), _("Status"), _("Disposed"), _("OEM instruction")], (
            [t.tag, t.claim.number, t.claim.get_status_display(), t.part.number, t.part.name,
             t.quantity, t.tagged_at, t.get_status_display(), t.disposed_at, t.reference]
            for t in tags))])
    return render(request, "service/warranty/failed_parts.html", {
        "page": paginate(request, tags), "status": status, "statuses": TagStatus.choices,
        "can_change": has_store_perm(request.user, request.store,
                                     "service.change_failedparttag")})


@require_POST
@require_store_perm("service.change_failedparttag")
def failed_part_dispose(request: HttpRequest, pk: int) -> HttpResponse:
    tag = FailedPartTag.objects.for_store(request.store).filter(pk=pk).first()
    if tag is None:
        raise Http404
    try:
        claim_services.failed_part_dispose(actor=request.user, tag=tag,
                                           action=request.POST.get("action", ""),
                                           reference=request.POST.get("reference", ""))
    except (DomainError, ValidationError) as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("%(tag)s: %(status)s.") % {
            "tag": tag.tag, "status": tag.get_status_display()})
    return redirect(request.POST.get("next") or reverse("service:warranty-failed-parts"))


# --- maintenance due (SV-18) ----------------------------------------------------------


@require_store_perm("service.view_maintenanceplan")
def maintenance_due(request: HttpRequest) -> HttpResponse:
    """Vehicles whose next maintenance falls within the coming days (default 30)."""
    try:
        days = max(0, min(int(request.GET.get("days", 30)), 366))
    except ValueError:
        days = 30
    today = clock.today()
    vehicles = vehicles_due(store=request.store, until=today + dt.timedelta(days=days))
    if request.GET.get("format") == "xlsx":
        return xlsx_response("maintenance-due", [(_("Maintenance due"), [
            _("Plate"), "VIN", _("Model"), _("Owner"), _("Last odometer (km)"),
            _("Next maintenance")], (
            [v.plate, v.vin, str(v.model or v.brand), v.owner.name if v.owner else "",
             v.last_km, v.next_maintenance_date] for v in vehicles))])
    return render(request, "service/warranty/maintenance_due.html", {
        "page": paginate(request, vehicles), "days": days, "today": today})


# --- knowledge base (SV-19) -----------------------------------------------------------


def _group_model(request) -> VehicleModel | None:
    value = request.GET.get("model", "")
    if not value.isdigit():
        return None
    return VehicleModel.objects.filter(group_id=request.store.group_id, pk=int(value)).first()


@require_store_perm("service.view_knowledgeentry")
def knowledge_list(request: HttpRequest) -> HttpResponse:
    """Search the approved cases of every store of the group; approvers see those waiting."""
    group = request.store.group
    q = request.GET.get("q", "").strip()
    model = _group_model(request)
    can_approve = has_store_perm(request.user, request.store, "service.approve_knowledgeentry")
    mine = KnowledgeEntry.objects.filter(author=request.user,
                                         status=KnowledgeStatus.DRAFT).order_by("-created_at")
    return render(request, "service/warranty/knowledge_list.html", {
        "page": paginate(request, selectors.knowledge_search(group=group, q=q, model=model),
                         per_page=20),
        "q": q, "model": model, "models": VehicleModel.objects.filter(group=group),
        "waiting": selectors.knowledge_waiting(group=group)[:50] if can_approve else [],
        "mine": mine[:20], "can_approve": can_approve,
        "can_add": has_store_perm(request.user, request.store, "service.add_knowledgeentry")})


def _entry(request, pk: int) -> KnowledgeEntry:
    entry = selectors.knowledge_search(group=request.store.group, status=None).filter(
        pk=pk).first()
    if entry is None:
        raise Http404
    can_approve = has_store_perm(request.user, request.store, "service.approve_knowledgeentry")
    if entry.status != KnowledgeStatus.APPROVED and not can_approve and \
            entry.author_id != request.user.pk:
        raise Http404
    return entry


@require_store_perm("service.view_knowledgeentry")
def knowledge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    can_approve = has_store_perm(request.user, request.store, "service.approve_knowledgeentry")
    return render(request, "service/warranty/knowledge_detail.html", {
        "entry": entry, "can_approve": can_approve and entry.status == KnowledgeStatus.DRAFT,
        "can_edit": can_approve or (entry.author_id == request.user.pk
                                    and entry.status == KnowledgeStatus.DRAFT)})


@require_store_perm("service.add_knowledgeentry")
def knowledge_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    entry = _entry(request, pk) if pk else None
    initial = {}
    ro = None
    if entry is None and request.GET.get("ro", "").isdigit():
        ro = RepairOrder.objects.for_store(request.store).filter(
            pk=int(request.GET["ro"])).select_related("vehicle").first()
        if ro is not None:
            initial = {"symptom": "\n".join(c.text for c in ro.concerns.all()),
                       "diagnosis": ro.diagnosis,
                       "vehicle_models": [ro.vehicle.model_id] if ro.vehicle.model_id else []}
    form = KnowledgeForm(request.POST or None, instance=entry, group=request.store.group,
                         initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = data.pop("vehicle_models")
        try:
            if entry is None:
                entry = knowledge_services.knowledge_create(
                    actor=request.user, store=request.store, vehicle_models=chosen,
                    repair_order=ro, **data)
            else:
                knowledge_services.knowledge_update(actor=request.user, store=request.store,
                                                    entry=entry, vehicle_models=chosen, **data)
        except PermissionDenied:
            return render(request, "403.html", status=403)
        except (DomainError, ValidationError) as exc:
            from siwei.crm.views import form_errors

            form_errors(form, exc)
        else:
            messages.success(request, _("Entry saved."))
            return redirect("service:knowledge-entry", pk=entry.pk)
    return render(request, "service/warranty/knowledge_form.html", {"form": form,
                                                                     "entry": entry})


@require_POST
@require_store_perm("service.approve_knowledgeentry")
def knowledge_approve(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    try:
        knowledge_services.knowledge_approve(actor=request.user, store=request.store,
                                             entry=entry)
    except (DomainError, ValidationError) as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("Entry approved: every store can read it now."))
    return redirect("service:knowledge-entry", pk=entry.pk)


@require_store_perm("service.view_knowledgeentry")
def knowledge_suggest(request: HttpRequest) -> HttpResponse:
    """A fragment of suggested cases for a repair order (``?ro=``) or for a model and a
    complaint (``?model=&text=``), to load with htmx on the RO page."""
    model, text = _group_model(request), request.GET.get("text", "")
    ro_id = request.GET.get("ro", "")
    if ro_id.isdigit():
        ro = RepairOrder.objects.for_store(request.store).filter(pk=int(ro_id)).select_related(
            "vehicle__model").first()
        if ro is not None:
            model = ro.vehicle.model
            text = " ".join([*(c.text for c in ro.concerns.all()), ro.diagnosis])
    suggestions = knowledge_services.suggest_for(model=model, text=text,
                                                 group=request.store.group)
    return render(request, "service/warranty/_knowledge_suggestions.html",
                  {"suggestions": suggestions})


# --- equipment, instruments, tools (SV-20) --------------------------------------------


@require_store_perm("service.view_equipment")
def equipment_list(request: HttpRequest) -> HttpResponse:
    store, today = request.store, clock.today()
    kind = request.GET.get("kind", "")
    kind = kind if kind in EquipmentKind.values else ""
    q = request.GET.get("q", "").strip()
    items = selectors.equipment_list(store=store, kind=kind or None, q=q)
    if request.GET.get("format") == "xlsx":
        return xlsx_response("equipment", [(_("Equipment"), [
            _("Asset number"), _("Name"), _("Kind"), _("Make and model"), _("Location"),
            _("Responsible person"), _("Calibration cycle (days)"), _("Last calibration"),
            _("Next calibration"), _("Calibration status"), _("Out of service")], (
            [e.asset_number, e.name, e.get_kind_display(), e.specification, e.location,
             e.responsible.employee.name if e.responsible_id else "",
             e.calibration_cycle_days, e.last_calibrated, e.next_calibration,
             _state_label(e, today) if e.is_instrument else "", e.out_of_service]
            for e in items))])
    page = paginate(request, items)
    for item in page:
        item.state = item.calibration_state(today) if item.is_instrument else None
    return render(request, "service/warranty/equipment_list.html", {
        "page": page, "kind": kind, "kinds": EquipmentKind.choices, "q": q,
        "attention": [(e, e.calibration_state(today))
                      for e in selectors.instruments_attention(store=store, on=today)],
        "overdue": selectors.overdue_loans(store=store),
        "can_add": has_store_perm(request.user, store, "service.add_equipment")})


def _state_label(equipment: Equipment, on: dt.date) -> str:
    from .models import CalibrationState

    return str(CalibrationState(equipment.calibration_state(on)).label)


def _equipment(request, pk: int) -> Equipment:
    equipment = selectors.equipment_list(store=request.store).filter(pk=pk).first()
    if equipment is None:
        raise Http404
    return equipment


@require_store_perm("service.view_equipment")
def equipment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    equipment = _equipment(request, pk)
    today = clock.today()
    user, store = request.user, request.store
    return render(request, "service/warranty/equipment_detail.html", {
        "equipment": equipment,
        "state": equipment.calibration_state(today) if equipment.is_instrument else None,
        "logs": equipment.logs.select_related("done_by__employee")[:30],
        "calibrations": equipment.calibrations.select_related("recorded_by__employee")[:20],
        "loans": equipment.loans.select_related("borrower__employee")[:20],
        "log_form": EquipmentLogForm(initial={"day": today, "kind": "daily",
                                              "in_order": True}),
        "calibration_form": CalibrationForm(initial={"day": today, "passed": True}),
        "can_log": has_store_perm(user, store, "service.add_equipmentlog"),
        "can_calibrate": equipment.is_instrument and has_store_perm(
            user, store, "service.add_calibration"),
        "can_change": has_store_perm(user, store, "service.change_equipment"),
        "now": clock.now()})


@require_store_perm("service.add_equipment")
def equipment_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    equipment = _equipment(request, pk) if pk else None
    if equipment is not None and not has_store_perm(request.user, request.store,
                                                    "service.change_equipment"):
        return render(request, "403.html", status=403)
    form = EquipmentForm(request.POST or None, instance=equipment, store=request.store)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if equipment is None:
                equipment = equipment_services.equipment_create(
                    actor=request.user, store=request.store, **data)
            else:
                equipment_services.equipment_update(actor=request.user, equipment=equipment,
                                                    **data)
        except (DomainError, ValidationError) as exc:
            from siwei.crm.views import form_errors

            form_errors(form, exc)
        else:
            messages.success(request, _("%s saved.") % equipment)
            return redirect("service:equipment-detail", pk=equipment.pk)
    return render(request, "crm/simple_form.html", {
        "form": form, "title": str(equipment) if equipment else _("New equipment"),
        "back": reverse("service:equipment")})


@require_POST
@require_store_perm("service.add_equipmentlog")
def equipment_log(request: HttpRequest, pk: int) -> HttpResponse:
    equipment = _equipment(request, pk)
    form = EquipmentLogForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        equipment_services.equipment_log(actor=request.user, equipment=equipment,
                                         **form.cleaned_data)
    except (DomainError, ValidationError) as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("Maintenance recorded."))
    return redirect("service:equipment-detail", pk=equipment.pk)


@require_POST
@require_store_perm("service.add_calibration")
def equipment_calibrate(request: HttpRequest, pk: int) -> HttpResponse:
    equipment = _equipment(request, pk)
    form = CalibrationForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        equipment_services.calibration_record(actor=request.user, instrument=equipment,
                                              **form.cleaned_data)
    except (DomainError, ValidationError) as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("Calibration recorded."))
    return redirect("service:equipment-detail", pk=equipment.pk)


@require_store_perm("service.view_toolloan")
def tool_loans(request: HttpRequest) -> HttpResponse:
    """Special tools out today, overdue ones first, and the lending form."""
    store = request.store
    can_lend = has_store_perm(request.user, store, "service.add_toolloan")
    form = LendForm(request.POST or None, store=store)
    if request.method == "POST":
        if not can_lend:
            return render(request, "403.html", status=403)
        if form.is_valid():
            try:
                loan = equipment_services.tool_lend(actor=request.user, **form.cleaned_data)
            except (DomainError, ValidationError) as exc:
                _refusal(request, exc)
            else:
                messages.success(request, _("%(tool)s lent until %(time)s.") % {
                    "tool": loan.tool, "time": f"{timezone.localtime(loan.due_at):%H:%M}"})
            return redirect("service:tool-loans")
    history = (ToolLoan.objects.for_store(store).filter(returned_at__isnull=False)
               .select_related("tool", "borrower__employee")[:30])
    return render(request, "service/warranty/tool_loans.html", {
        "open": selectors.open_loans(store=store), "history": history, "form": form,
        "can_lend": can_lend, "now": clock.now(),
        "can_return": has_store_perm(request.user, store, "service.change_toolloan")})


@require_POST
@require_store_perm("service.change_toolloan")
def tool_return(request: HttpRequest, pk: int) -> HttpResponse:
    loan = ToolLoan.objects.for_store(request.store).filter(pk=pk).first()
    if loan is None:
        raise Http404
    try:
        equipment_services.tool_return(actor=request.user, loan=loan)
    except (DomainError, ValidationError) as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("Tool back."))
    return redirect("service:tool-loans")
