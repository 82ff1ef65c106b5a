"""Pages of FN-9: "Import data" (choose the kind, upload, dry-run result with the bad
rows, confirm), the job list with progress bars (htmx polling), templates."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siwei.core.errors import DomainError
from siwei.core.exports import xlsx_response
from siwei.core.paging import paginate
from siwei.core.views import require_store_perm

from ..models import ImportJob, ImportKind, ImportMode, ImportStatus
from . import services
from .forms import UploadForm
from .templates import template_response

PAGE_ERRORS = 500  # bad rows shown on the page; all of them in the Excel download
VIEW = "reports.view_importjob"


def _jobs(request):
    kinds = services.importable_kinds(request.user, request.store)
    return (ImportJob.objects.for_store(request.store).filter(kind__in=kinds)
            .select_related("created_by").order_by("-created_at", "-id"))


def _job(request, pk: int) -> ImportJob:
    return get_object_or_404(_jobs(request), pk=pk)


def _refusal(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        return str(exc.message)
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You may not do this.")


@require_store_perm(VIEW)
def import_index(request: HttpRequest) -> HttpResponse:
    """Upload a file (dry run by default) and the store's recent imports."""
    kinds = services.importable_kinds(request.user, request.store)
    form = UploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(
                actor=request.user, store=request.store, kind=form.cleaned_data["kind"],
                mode=form.cleaned_data["mode"], file=form.cleaned_data["file"])
        except PermissionDenied:
            return render(request, "403.html", status=403)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            return redirect("reports:import-job", job.pk)
    page = paginate(request, _jobs(request), per_page=20)
    return render(request, "reports/imports/index.html", {
        "form": form, "page": page,
        "templates": [(v, label) for v, label in ImportKind.choices if v in kinds]})


@require_store_perm(VIEW)
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    errors = job.errors or []
    return render(request, "reports/imports/job.html", {
        "job": job, "errors": errors[:PAGE_ERRORS], "more_errors": len(errors) > PAGE_ERRORS,
        "can_confirm": job.status == ImportStatus.CHECKED and job.good_rows > 0,
        "modes": ImportMode})


@require_store_perm(VIEW)
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar alone (htmx polls it); once the job ends, the page reloads to
    show the result."""
    job = _job(request, pk)
    response = render(request, "reports/imports/_progress.html", {"job": job, "poll": True})
    if not job.is_active and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@require_POST
@require_store_perm(VIEW)
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    mode = request.POST.get("mode", "")
    try:
        services.import_job_confirm(actor=request.user, job=job, mode=mode)
    except PermissionDenied:
        return render(request, "403.html", status=403)
    except (DomainError, ValidationError) as exc:
        messages.error(request, _refusal(exc))
    return redirect("reports:import-job", job.pk)


@require_store_perm(VIEW)
def import_errors_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    rows = [(e.get("row"), e.get("label") or e.get("column"), e.get("message"))
            for e in job.errors or []]
    return xlsx_response(f"import-{job.pk}-bad-rows", [(
        _("Bad rows"), [_("Row"), _("Column"), _("Reason")], rows)])


@require_store_perm(VIEW)
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ImportKind.values:
        raise Http404
    return template_response(kind)
