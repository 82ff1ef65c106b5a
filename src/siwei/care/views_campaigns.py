"""Pages of segments, campaigns and the messages log (CR-10 … CR-12), and the inbound
endpoint the messaging provider calls with replies."""

from __future__ import annotations

import hmac

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from siwei.core.errors import DomainError
from siwei.core.models import Store
from siwei.core.paging import paginate
from siwei.core.permissions import has_store_perm
from siwei.core.views import require_store_perm

from . import selectors_campaigns as selectors
from .forms_campaigns import CampaignForm, SegmentFilterForm, SegmentForm
from .messaging import InboundError, get_backend, messaging_settings
from .messaging.base import BACKENDS
from .models import Campaign, CampaignStatus, MessageStatus, Segment, SkipReason
from .services import campaigns as services
from .services.campaigns import CAMPAIGN_FLOW, PLACEHOLDERS
from .services.messaging import message_inbound_receive

INBOUND_SECRET_HEADER = "X-Siwei-Inbound-Secret"  # noqa: S105 - a header name


def _refusal(request, exc: Exception) -> None:
    if isinstance(exc, DomainError):
        messages.error(request, exc.message)
    elif isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, str(exc))


def _apply_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# --- segments (CR-10) -----------------------------------------------------------------


def _segment(request, pk: int) -> Segment:
    segment = Segment.objects.for_store(request.store).filter(pk=pk).first()
    if segment is None:
        raise Http404
    return segment


@require_store_perm("care.view_segment")
def segment_list(request: HttpRequest) -> HttpResponse:
    return render(request, "care/campaigns/segment_list.html", {
        "page": paginate(request, selectors.segments_for(store=request.store)),
        "can_add": has_store_perm(request.user, request.store, "care.add_segment")})


def _segment_edit(request, segment: Segment | None) -> HttpResponse:
    store = request.store
    initial = {"name": segment.name, **segment.filters} if segment else {}
    form = SegmentForm(request.POST or None, initial=initial, store=store)
    if request.method == "POST" and form.is_valid():
        try:
            if segment is None:
                segment = services.segment_create(actor=request.user, store=store,
                                                  name=form.cleaned_data["name"],
                                                  filters=form.filters())
            else:
                services.segment_update(actor=request.user, segment=segment,
                                        name=form.cleaned_data["name"],
                                        filters=form.filters())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Segment saved."))
            return redirect("care:segment", pk=segment.pk)
    count = None
    if not form.is_bound:
        count = selectors.segment_customers(store=store, filters=segment.filters).count() \
            if segment else selectors.segment_customers(store=store, filters={}).count()
    return render(request, "care/campaigns/segment_form.html",
                  {"form": form, "segment": segment, "count": count})


@require_store_perm("care.add_segment")
def segment_new(request: HttpRequest) -> HttpResponse:
    return _segment_edit(request, None)


@require_store_perm("care.change_segment")
def segment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _segment_edit(request, _segment(request, pk))


@require_store_perm("care.view_segment")
def segment_count(request: HttpRequest) -> HttpResponse:
    """htmx: the live count of the filters being edited."""
    form = SegmentFilterForm(request.GET, store=request.store)
    count = selectors.segment_customers(store=request.store, filters=form.filters()).count() \
        if form.is_valid() else None
    return render(request, "care/campaigns/_segment_count.html",
                  {"count": count, "invalid": not form.is_valid()})


def filters_display(filters: dict, *, store) -> list[tuple[str, str]]:
    """(label, value) of each saved filter, codes and ids shown by their names."""
    form = SegmentFilterForm(store=store)
    rows = []
    for name, value in filters.items():
        field = form.fields.get(name)
        if field is None:
            continue
        names = dict((str(k), str(v)) for k, v in getattr(field, "choices", []) or [])
        values = value if isinstance(value, list) else [value]
        rows.append((str(field.label), "、".join(names.get(str(v), str(v)) for v in values)))
    return rows


@require_store_perm("care.view_segment")
def segment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The segment's customers now, mobiles masked without the personal-data permission."""
    segment = _segment(request, pk)
    customers = selectors.segment_recipients(store=request.store,
                                             filters=segment.filters).order_by("-id")
    shown = filters_display(segment.filters, store=request.store)
    return render(request, "care/campaigns/segment_detail.html", {
        "segment": segment, "page": paginate(request, customers), "filters": shown,
        "campaigns": segment.campaigns.order_by("-send_at")[:10],
        "can_change": has_store_perm(request.user, request.store, "care.change_segment"),
        "can_campaign": has_store_perm(request.user, request.store, "care.add_campaign")})


@require_POST
@require_store_perm("care.change_segment")
def segment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    segment = _segment(request, pk)
    try:
        services.segment_delete(actor=request.user, segment=segment)
    except DomainError as exc:
        _refusal(request, exc)
        return redirect("care:segment", pk=pk)
    messages.success(request, _("Segment deleted."))
    return redirect("care:segments")


# --- campaigns (CR-11) ----------------------------------------------------------------


def _campaign(request, pk: int) -> Campaign:
    campaign = Campaign.objects.for_store(request.store).select_related("segment").filter(
        pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


@require_store_perm("care.view_campaign")
def campaign_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in CampaignStatus.values else ""
    return render(request, "care/campaigns/campaign_list.html", {
        "page": paginate(request, selectors.campaigns_for(store=request.store, status=status)
                         .order_by("-send_at", "-id")),
        "status": status, "statuses": CampaignStatus.choices,
        "can_add": has_store_perm(request.user, request.store, "care.add_campaign")})


def _campaign_edit(request, campaign: Campaign | None) -> HttpResponse:
    store = request.store
    initial = {"channel": "sms", "segment": request.GET.get("segment")}
    if campaign is not None:
        initial = {"name": campaign.name, "segment": campaign.segment_id,
                   "channel": campaign.channel, "template": campaign.template,
                   "send_at": timezone.localtime(campaign.send_at).strftime("%Y-%m-%dT%H:%M")}
    form = CampaignForm(request.POST or None, initial=initial, store=store)
    if request.method == "POST" and form.is_valid():
        try:
            if campaign is None:
                campaign = services.campaign_create(actor=request.user, store=store,
                                                    **form.cleaned_data)
            else:
                services.campaign_update(actor=request.user, campaign=campaign,
                                         **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("care:campaign", pk=campaign.pk)
    return render(request, "care/campaigns/campaign_form.html", {
        "form": form, "campaign": campaign, "placeholders": PLACEHOLDERS})


@require_store_perm("care.add_campaign")
def campaign_new(request: HttpRequest) -> HttpResponse:
    return _campaign_edit(request, None)


@require_store_perm("care.change_campaign")
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    if not CAMPAIGN_FLOW.allowed(campaign.status, "edit"):
        messages.error(request, _("Only a draft campaign can be changed."))
        return redirect("care:campaign", pk=pk)
    return _campaign_edit(request, campaign)


@require_store_perm("care.view_campaign")
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign, its results (sent/skipped by reason; appointments, visits and revenue
    in the 30 days after sending) and its messages."""
    campaign = _campaign(request, pk)
    results = selectors.campaign_results(campaign)
    reasons = dict(SkipReason.choices)
    can_send = has_store_perm(request.user, request.store, "care.send_campaign")
    return render(request, "care/campaigns/campaign_detail.html", {
        "campaign": campaign, "results": results,
        "skips": [(reasons.get(code, code), n) for code, n in
                  sorted(results["skipped_by_reason"].items())],
        "page": paginate(request, selectors.messages_for(store=request.store,
                                                         campaign=campaign), 25),
        "actions": [a for a in ("schedule", "cancel")
                    if can_send and CAMPAIGN_FLOW.allowed(campaign.status, a)],
        "can_edit": CAMPAIGN_FLOW.allowed(campaign.status, "edit") and has_store_perm(
            request.user, request.store, "care.change_campaign")})


CAMPAIGN_ACTIONS = {"schedule": services.campaign_schedule, "cancel": services.campaign_cancel}


@require_POST
@require_store_perm("care.send_campaign")
def campaign_action(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    run = CAMPAIGN_ACTIONS.get(request.POST.get("action", ""))
    if run is None:
        raise Http404
    try:
        run(actor=request.user, campaign=campaign)
    except (DomainError, ValidationError, PermissionDenied) as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("Campaign %(status)s.") % {
            "status": Campaign.objects.get(pk=pk).get_status_display()})
    return redirect("care:campaign", pk=pk)


@require_store_perm("care.view_campaign")
def campaigns_card(request: HttpRequest) -> HttpResponse:
    """htmx: the body of the home-page card (upcoming campaigns, the last one's results)."""
    last = selectors.last_sent_campaign(store=request.store)
    return render(request, "care/campaigns/cards/_campaigns_body.html", {"card": {
        "upcoming": selectors.upcoming_campaigns(store=request.store, limit=3), "last": last,
        "results": selectors.campaign_results(last) if last else None}})


# --- messages (CR-12) -----------------------------------------------------------------


@require_store_perm("care.view_message")
def message_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in MessageStatus.values else ""
    q = request.GET.get("q", "").strip()
    return render(request, "care/campaigns/message_list.html", {
        "page": paginate(request, selectors.messages_for(store=request.store, status=status,
                                                         q=q)),
        "status": status, "statuses": MessageStatus.choices, "q": q})


@csrf_exempt
@require_POST
def message_inbound(request: HttpRequest, backend: str) -> HttpResponse:
    """Replies from the provider: ``POST /care/messages/inbound/<backend>/`` with the
    header ``X-Siwei-Inbound-Secret`` (``SIWEI_INBOUND_SECRET``); no user login. An
    optional ``?store=<code>`` narrows the customer lookup to one store."""
    secret = messaging_settings().get("INBOUND_SECRET") or ""
    given = request.headers.get(INBOUND_SECRET_HEADER, "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return JsonResponse({"detail": "forbidden"}, status=403)
    if backend not in BACKENDS:
        raise Http404
    store = None
    if request.GET.get("store"):
        store = Store.objects.filter(code__iexact=request.GET["store"], is_active=True).first()
        if store is None:
            return JsonResponse({"store": ["unknown store"]}, status=400)
    try:
        replies = get_backend(backend).parse_inbound(request)
    except InboundError as exc:
        return JsonResponse({"non_field_errors": [str(exc)]}, status=400)
    channel = "wechat" if request.GET.get("channel") == "wechat" else "sms"
    received = [message_inbound_receive(channel=channel, sender=sender, body=body, store=store)
                for sender, body in replies]
    return JsonResponse({"received": len(received),
                         "opted_out": sum(1 for r in received if r.opted_out)})
