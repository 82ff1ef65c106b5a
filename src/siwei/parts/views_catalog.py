"""Master-data pages of the parts manager (PT-1 … PT-3): parts, suppliers, locations;
and the photo of a nonconformance record (PT-8). Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siwei.core.errors import DomainError
from siwei.core.exports import xlsx_response
from siwei.core.paging import paginate
from siwei.core.permissions import has_store_perm
from siwei.core.uploads import PHOTO_FORMATS
from siwei.core.views import require_store_perm

from . import services
from .forms import LocationForm, PartForm, SupplierForm
from .models import LocationKind, Nonconformance, Part, Supplier
from .selectors import locations, suppliers
from .views import XLSX_ROW_LIMIT, error_message, form_errors, wants_xlsx

ERRORS = (DomainError, ValidationError, PermissionDenied)


def _group_part(request, pk: int) -> Part:
    return get_object_or_404(Part.objects.filter(group_id=request.store.group_id,
                                                 is_active=True), pk=pk)


@require_store_perm("parts.add_part")
def part_create(request: HttpRequest) -> HttpResponse:
    """PT-1: a new part of the group's catalog."""
    form = PartForm(request.POST or None, store=request.store, instance=Part())
    if request.method == "POST" and form.is_valid():
        try:
            part = services.part_create(actor=request.user, store=request.store,
                                        group=request.store.group, **form.service_data())
        except ERRORS as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Part %(number)s created.") % {"number": part.number})
            return redirect("parts:part", pk=part.pk)
    return render(request, "parts/part_form.html", {"form": form})


@require_store_perm("parts.change_part")
def part_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """PT-1: change a part; price changes are audited with the old and new prices."""
    part = _group_part(request, pk)
    form = PartForm(request.POST or None, store=request.store, instance=part)
    if request.method == "POST" and form.is_valid():
        try:
            services.part_update(actor=request.user, store=request.store, part=part,
                                 **form.service_data())
        except ERRORS as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("parts:part", pk=part.pk)
    return render(request, "parts/part_form.html", {"form": form, "part": part})


def _active_filter(request) -> bool | None:
    return {"1": True, "0": False}.get(request.GET.get("active", ""))


@require_store_perm("parts.view_supplier")
def supplier_list(request: HttpRequest) -> HttpResponse:
    """PT-2: the group's suppliers."""
    q, active = request.GET.get("q", "").strip(), _active_filter(request)
    rows = suppliers(store=request.store, q=q, active=active)
    if wants_xlsx(request):
        return xlsx_response("suppliers", [(_("Suppliers"), [
            _("Supplier"), _("Type"), _("Contact"), _("Phone"), _("Payment terms"),
            _("Lead time (days)"), _("Active")],
            ([s.name, s.get_kind_display(), s.contact, s.phone, s.payment_terms,
              s.lead_time_days, _("yes") if s.is_active else _("no")]
             for s in rows[:XLSX_ROW_LIMIT]))])
    return render(request, "parts/supplier_list.html", {
        "page": paginate(request, rows), "q": q, "active": request.GET.get("active", ""),
        "can_add": has_store_perm(request.user, request.store, "parts.add_supplier"),
        "can_change": has_store_perm(request.user, request.store, "parts.change_supplier")})


@require_store_perm("parts.add_supplier")
def supplier_create(request: HttpRequest) -> HttpResponse:
    form = SupplierForm(request.POST or None, instance=Supplier())
    if request.method == "POST" and form.is_valid():
        try:
            supplier = services.supplier_create(actor=request.user, store=request.store,
                                                group=request.store.group,
                                                **form.service_data())
        except ERRORS as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Supplier %(name)s created.") % {"name": supplier.name})
            return redirect("parts:suppliers")
    return render(request, "parts/simple_form.html", {
        "form": form, "title": _("New supplier"), "back": "parts:suppliers"})


@require_store_perm("parts.change_supplier")
def supplier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier.objects.filter(group_id=request.store.group_id),
                                 pk=pk)
    form = SupplierForm(request.POST or None, instance=supplier)
    if request.method == "POST" and form.is_valid():
        try:
            services.supplier_update(actor=request.user, store=request.store,
                                     supplier=supplier, **form.service_data())
        except ERRORS as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("parts:suppliers")
    return render(request, "parts/simple_form.html", {
        "form": form, "title": _("Edit supplier") + f" · {supplier.name}",
        "back": "parts:suppliers"})


@require_store_perm("parts.view_location")
def location_list(request: HttpRequest) -> HttpResponse:
    """PT-3: the store's locations with what they hold; new location on the side."""
    store = request.store
    form = LocationForm(request.POST or None)
    if request.method == "POST":
        if not has_store_perm(request.user, store, "parts.add_location"):
            return render(request, "403.html", status=403)
        if form.is_valid():
            try:
                location = services.location_create(actor=request.user, store=store,
                                                    **form.cleaned_data)
            except ERRORS as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Location %(code)s created.")
                                 % {"code": location.code})
                return redirect("parts:locations")
    q, kind = request.GET.get("q", "").strip(), request.GET.get("kind", "")
    kind = kind if kind in LocationKind.values else ""
    rows = locations(store=store, q=q, kind=kind, active=_active_filter(request))
    if wants_xlsx(request):
        return xlsx_response("locations", [(_("Locations"), [
            _("Code"), _("Zone"), _("Shelf"), _("Level"), _("Type"), _("Parts"), _("Quantity"),
            _("Active")],
            ([loc.code, loc.zone, loc.shelf, loc.level, loc.get_kind_display(), loc.parts,
              loc.held, _("yes") if loc.is_active else _("no")]
             for loc in rows[:XLSX_ROW_LIMIT]))])
    return render(request, "parts/location_list.html", {
        "page": paginate(request, rows), "form": form, "q": q, "kind": kind,
        "kinds": LocationKind.choices, "active": request.GET.get("active", ""),
        "can_add": has_store_perm(request.user, store, "parts.add_location"),
        "can_change": has_store_perm(request.user, store, "parts.change_location")})


@require_store_perm("parts.change_location")
def location_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """PT-3: rename or retype a location; deactivate or reactivate it."""
    store = request.store
    location = get_object_or_404(locations(store=store).exclude(kind=LocationKind.TRANSIT),
                                 pk=pk)
    form = LocationForm(request.POST or None, initial={"code": location.code,
                                                       "kind": location.kind})
    if request.method == "POST" and form.is_valid():
        try:
            services.location_update(actor=request.user, location=location,
                                     **form.cleaned_data)
        except ERRORS as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("parts:locations")
    return render(request, "parts/location_form.html", {"form": form, "location": location})


@require_POST
@require_store_perm("parts.change_location")
def location_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate (only when empty) or reactivate a location."""
    location = get_object_or_404(locations(store=request.store), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.location_update(actor=request.user, location=location, is_active=active)
    except ERRORS as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, (_("Location %(code)s is in use again.") if active else
                                   _("Location %(code)s deactivated."))
                         % {"code": location.code})
    return redirect("parts:locations")


@require_store_perm("parts.view_nonconformance")
def nonconformance_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """The photo of a nonconformance record of the store (PT-8)."""
    record = get_object_or_404(Nonconformance.objects.for_store(request.store), pk=pk)
    return photo_response(record)


def photo_response(record: Nonconformance) -> FileResponse:
    if not record.photo:
        raise Http404
    extension = record.photo.name.rsplit(".", 1)[-1].lower()
    types = {ext: f"image/{'jpeg' if ext == 'jpg' else ext}" for ext in PHOTO_FORMATS.values()}
    if extension not in types:
        raise Http404
    try:
        handle = record.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=types[extension])
    response["Content-Disposition"] = f'inline; filename="nonconformance-{record.pk}.{extension}"'
    response["Cache-Control"] = "private, max-age=3600"
    return response
