"""Pages for customers, vehicles and leads (CS-1 … CS-8)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siwei.core.errors import DomainError
from siwei.core.exports import xlsx_response
from siwei.core.masking import can_view_personal_data
from siwei.core.paging import paginate
from siwei.core.permissions import has_store_perm
from siwei.core.views import refusal_message, require_store_perm

from . import selectors, services
from .forms import ActivityForm, CustomerForm, LeadForm, LoseForm, VehicleForm
from .models import Customer, Lead, LeadStatus


def form_errors(form, exc: ValidationError | DomainError) -> None:
    """Show a service's refusal on the form: field errors at their fields."""
    if isinstance(exc, DomainError):
        form.add_error(None, exc.message)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _customer(request, pk: int) -> Customer:
    customer = selectors.customers_for(request.user, request.store).filter(pk=pk).first()
    if customer is None:
        raise Http404
    return customer


@require_store_perm("crm.view_customer")
def search(request: HttpRequest) -> HttpResponse:
    """The global search box: customers and vehicles (and, from other departments,
    documents) by plate, mobile, VIN, name, pinyin or number."""
    query = request.GET.get("q", "").strip()
    context = {"query": query, "customers": [], "vehicles": [], "documents": []}
    if query:
        context["customers"] = list(selectors.customer_search(
            user=request.user, store=request.store, query=query)[:30])
        context["vehicles"] = list(selectors.vehicle_search(
            user=request.user, store=request.store, query=query)[:30])
        from siwei.core.registry import app_modules

        for module in app_modules("search"):
            context["documents"].extend(module.documents(request, query))
        # One clear hit opens it directly: the plate search leads straight to the card.
        customers, documents = context["customers"], context["documents"]
        if len(customers) == 1 and not documents:
            return redirect("crm:customer", pk=customers[0].pk)
        if len(documents) == 1 and not customers:
            return redirect(documents[0]["url"])
    return render(request, "crm/search.html", context)


@require_store_perm("crm.view_customer")
def customer_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    customers = (selectors.customer_search(user=request.user, store=request.store, query=query)
                 if query else selectors.customers_for(request.user, request.store)
                 .prefetch_related("vehicles"))
    category = request.GET.get("category")
    if category:
        customers = customers.filter(category=category)
    if request.GET.get("format") == "xlsx":
        full = can_view_personal_data(request)
        from siwei.core.audit import audit_record
        from siwei.core.masking import mask_mobile

        audit_record(actor=request.user, action="customer.export", store=request.store,
                     object_type="crm.customer", note=f"q={query} category={category}")
        rows = ([c.name, c.mobile if full else mask_mobile(c.mobile), c.get_kind_display(),
                 c.get_category_display(), c.district, c.created_at]
                for c in customers[:50000])
        return xlsx_response("customers", [(_("Customers"), [
            _("Name"), _("Mobile"), _("Kind"), _("Category"), _("District"), _("Created")],
            rows)])
    return render(request, "crm/customer_list.html", {
        "page": paginate(request, customers), "query": query, "category": category,
        "categories": Customer._meta.get_field("category").choices})


@require_store_perm("crm.add_customer")
def customer_new(request: HttpRequest) -> HttpResponse:
    form = CustomerForm(request.POST or None, initial={"mobile": request.GET.get("mobile", "")})
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(actor=request.user, store=request.store,
                                                **form.service_data())
        except DomainError as exc:
            form_errors(form, exc)
            if exc.code == "duplicate_customer":
                existing = Customer.objects.filter(pk=exc.extra["existing_id"]).first()
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Customer %s created.") % customer.name)
            return redirect("crm:customer", pk=customer.pk)
    return render(request, "crm/customer_form.html", {"form": form, "existing": existing})


@require_store_perm("crm.change_customer")
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    fields = [f for f in CustomerForm.base_fields if not f.startswith("consent_")]
    initial = {f: getattr(customer, f) for f in fields}
    initial.update({f"consent_{c}": getattr(customer, f"consent_{c}")
                    for c in ("sms", "phone", "wechat")})
    form = CustomerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        consents = {c: data.pop(f"consent_{c}") for c in ("sms", "phone", "wechat")}
        try:
            services.customer_update(actor=request.user, customer=customer,
                                     **{k: v if v is not None else "" for k, v in data.items()
                                        if k != "birthday"}, birthday=data["birthday"])
            for channel, given in consents.items():
                if getattr(customer, f"consent_{channel}") != given:
                    services.customer_set_consent(actor=request.user, customer=customer,
                                                  channel=channel, given=given)
        except (DomainError, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("crm:customer", pk=customer.pk)
    return render(request, "crm/customer_form.html", {"form": form, "customer": customer})


@require_store_perm("crm.view_customer")
def customer_card(request: HttpRequest, pk: int) -> HttpResponse:
    """顾客信息卡 (CS-5): everything about one customer on one page."""
    customer = _customer(request, pk)
    card = selectors.customer_card(customer=customer)
    from siwei.core.registry import app_modules

    sections = []
    for module in app_modules("card"):
        sections.extend(module.sections(request, customer))
    personal = can_view_personal_data(request)
    if personal and (customer.id_number or customer.mobile):
        from siwei.core.audit import audit_record

        audit_record(actor=request.user, action="customer.view_personal", obj=customer)
    return render(request, "crm/customer_card.html", {
        "customer": customer, **card, "sections": sorted(sections, key=lambda s: s["order"]),
        "personal": personal, "due": selectors.customer_due_dates(customer, card["vehicles"]),
        "can_edit": has_store_perm(request.user, request.store, "crm.change_customer"),
        "can_lead": has_store_perm(request.user, request.store, "crm.add_lead"),
        "can_vehicle": has_store_perm(request.user, request.store, "crm.add_vehicle"),
        **_erasure_context(request, customer)})


def _erasure_context(request, customer: Customer) -> dict:
    """Whether the card offers the erasure dialog, and the open documents that stop it."""
    if customer.erased_at is not None or not has_store_perm(request.user, request.store,
                                                             "crm.erase_customer"):
        return {"can_erase": False}
    return {"can_erase": True,
            "erasure_blockers": services.customer_erasure_blockers(customer=customer)}


@require_POST
@require_store_perm("crm.erase_customer")
def customer_erase(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer's erasure request (PIPL), confirmed in a dialog with the reason."""
    customer = _customer(request, pk)
    try:
        services.customer_erase(actor=request.user, customer=customer,
                                reason=request.POST.get("reason", ""))
    except (DomainError, ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal_message(exc))
    else:
        messages.success(request, _("The customer's personal data has been erased."))
    return redirect("crm:customer", pk=customer.pk)


@require_store_perm("crm.add_vehicle")
def vehicle_new(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    form = VehicleForm(request.POST or None, group=request.store.group)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
        try:
            services.vehicle_create(actor=request.user, store=request.store, owner=customer,
                                    vin=data.pop("vin"), **data)
        except (DomainError, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Vehicle added."))
            return redirect("crm:customer", pk=customer.pk)
    return render(request, "crm/simple_form.html", {
        "form": form, "title": _("Add a vehicle for %s") % customer.name,
        "back": reverse("crm:customer", args=[customer.pk])})


@require_store_perm("crm.add_lead")
def lead_new(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    form = LeadForm(request.POST or None, group=request.store.group)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lead = services.lead_create(
                actor=request.user, store=request.store, customer=customer,
                source=data["source"], grade=data["grade"], models=data["models"],
                referrer=customer.referred_by if data["source"] == "referral" else None,
                note=data["note"])
        except (DomainError, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Lead opened."))
            return redirect("crm:lead", pk=lead.pk)
    return render(request, "crm/simple_form.html", {
        "form": form, "title": _("New lead for %s") % customer.name,
        "back": reverse("crm:customer", args=[customer.pk])})


@require_store_perm("crm.view_lead")
def lead_list(request: HttpRequest) -> HttpResponse:
    """The consultant's leads by grade, with due and overdue follow-ups (CS-6)."""
    store, user = request.store, request.user
    view = request.GET.get("view", "open")
    leads = {
        "open": selectors.leads_open(user=user, store=store),
        "overdue": selectors.leads_overdue(user=user, store=store),
        "today": selectors.leads_due_today(user=user, store=store),
        "approval": selectors.leads_awaiting_loss_approval(store=store),
    }.get(view) or selectors.leads_open(user=user, store=store)
    grade = request.GET.get("grade")
    if grade:
        leads = leads.filter(grade=grade)
    if request.GET.get("format") == "xlsx":
        rows = ([lead.customer.name, lead.grade, lead.get_status_display(),
                 lead.consultant.employee.name if hasattr(lead.consultant, "employee") else "",
                 lead.last_contact_at, lead.next_follow_up_at, lead.contact_count]
                for lead in leads)
        return xlsx_response("leads", [(_("Leads"), [
            _("Customer"), _("Grade"), _("Status"), _("Consultant"), _("Last contact"),
            _("Next follow-up"), _("Contacts")], rows)])
    return render(request, "crm/lead_list.html", {
        "page": paginate(request, leads), "view": view, "grade": grade,
        "by_grade": selectors.leads_by_grade(user=user, store=store),
        "overdue_count": selectors.leads_overdue(user=user, store=store).count(),
        "can_approve": has_store_perm(user, store, "crm.approve_lead_loss")})


def _lead(request, pk: int) -> Lead:
    lead = selectors.leads_visible(user=request.user, store=request.store).filter(pk=pk).first()
    if lead is None:
        raise Http404
    return lead


@require_store_perm("crm.view_lead")
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _lead(request, pk)
    form = ActivityForm(request.POST or None, initial={"grade": ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.lead_log_activity(actor=request.user, lead=lead, type=data["type"],
                                       content=data["content"], outcome=data["outcome"],
                                       next_step=data["next_step"], grade=data["grade"] or None)
        except (DomainError, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Contact logged."))
            return redirect("crm:lead", pk=lead.pk)
    return render(request, "crm/lead_detail.html", {
        "lead": lead, "form": form, "lose_form": LoseForm(),
        "activities": lead.activities.select_related("user__employee").order_by("-at"),
        "is_open": lead.status == LeadStatus.OPEN,
        "can_approve": has_store_perm(request.user, request.store, "crm.approve_lead_loss")})


@require_POST
@require_store_perm("crm.change_lead")
def lead_lose(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _lead(request, pk)
    form = LoseForm(request.POST)
    if form.is_valid():
        try:
            services.lead_request_loss(actor=request.user, lead=lead, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            messages.error(request, refusal_message(exc))
        else:
            messages.success(request, _("Sent to the sales manager for approval."))
    else:
        messages.error(request, _("Choose a reason."))
    return redirect("crm:lead", pk=lead.pk)


@require_POST
@require_store_perm("crm.approve_lead_loss")
def lead_decide_loss(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _lead(request, pk)
    decide = (services.lead_approve_loss if request.POST.get("decision") == "approve"
              else services.lead_reject_loss)
    try:
        decide(actor=request.user, lead=lead)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(request.POST.get("next") or reverse("crm:lead", args=[lead.pk]))
