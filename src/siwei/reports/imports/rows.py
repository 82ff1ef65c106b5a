"""One handler per import kind (FN-9): it converts a row's cells and writes it through
the owning app's service, so the import checks exactly what a page would (CS-2 mobile,
VIN check digit, plate and resident ID; duplicates; PT-1 parts; the PT-4 ledger).

``write`` raises ``ValidationError`` / ``DomainError`` / ``PermissionDenied`` for a bad
row; the runner turns them into ``{"row", "column", "message"}`` entries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from siwei.core.validators import normalize_mobile, normalize_vin, validate_mobile

from ..models import ImportKind
from .columns import COLUMNS

CREATED, UPDATED = "created", "updated"


@dataclass
class Context:
    actor: Any
    store: Any
    job_id: int
    today: dt.date
    row: int = 0
    cache: dict = field(default_factory=dict)


def _given(values: dict[str, Any], keys) -> dict[str, Any]:
    return {k: values[k] for k in keys if values.get(k) not in (None, "")}


def _refuse(column: str, message: str) -> ValidationError:
    return ValidationError({column: [message]})


class Handler:
    kind: str = ""
    # Service field or error-dict key → the import column it comes from.
    field_columns: dict[str, str] = {}
    # DomainError code → the column it is about.
    code_columns: dict[str, str] = {}
    duplicate_column: str = ""

    def duplicate_key(self, values: dict[str, Any]) -> str:
        """What must be unique within one file (blank: not checked)."""
        return ""

    def write(self, ctx: Context, values: dict[str, Any]) -> str:
        raise NotImplementedError

    def column_for(self, name: str) -> str:
        keys = {c.key for c in COLUMNS[self.kind]}
        name = self.field_columns.get(name, name)
        return name if name in keys else ""


# --- customers (CS-1, CS-2) ---------------------------------------------------------------

KINDS = {"": "person", "个人": "person", "person": "person", "个人客户": "person",
         "公司": "company", "company": "company", "企业": "company", "单位": "company"}
GENDERS = {"": "", "男": "male", "male": "male", "m": "male", "女": "female",
           "female": "female", "f": "female"}
CUSTOMER_FIELDS = ("name", "mobile", "birthday", "id_number", "credit_code", "address",
                   "district", "occupation", "source", "tags")


class CustomerHandler(Handler):
    kind = ImportKind.CUSTOMERS
    code_columns = {"duplicate_customer": "mobile"}
    duplicate_column = "mobile"

    def duplicate_key(self, values):
        mobile = values.get("mobile") or ""
        return normalize_mobile(mobile) if mobile else ""

    def write(self, ctx, values):
        from siwei.crm.services.customers import customer_create

        kind = KINDS.get((values.get("kind") or "").lower())
        if kind is None:
            raise _refuse("kind", _("Enter 个人 (person) or 公司 (company)."))
        gender = GENDERS.get((values.get("gender") or "").lower())
        if gender is None:
            raise _refuse("gender", _("Enter 男 or 女 (male or female)."))
        data = _given(values, CUSTOMER_FIELDS)
        if gender:
            data["gender"] = gender
        customer_create(actor=ctx.actor, store=ctx.store, kind=kind, **data)
        return CREATED


# --- vehicles (CS-2, CS-3) ---------------------------------------------------------------

VEHICLE_FIELDS = ("plate", "brand", "trim", "colour", "engine_number", "model_year",
                  "registration_date", "sale_date", "insurance_company", "insurance_expiry")


class VehicleHandler(Handler):
    kind = ImportKind.VEHICLES
    field_columns = {"owner": "owner_mobile", "selling_store": "sold_here"}
    code_columns = {"duplicate_vehicle": "vin"}
    duplicate_column = "vin"

    def duplicate_key(self, values):
        return normalize_vin(values.get("vin") or "")

    def _model(self, ctx, brand: str, name: str):
        from siwei.crm.models import VehicleModel

        models = ctx.cache.get("models")
        if models is None:
            models = list(VehicleModel.objects.filter(group_id=ctx.store.group_id))
            ctx.cache["models"] = models
        wanted = name.strip().lower()
        found = [m for m in models if wanted in (m.name.lower(), f"{m.brand}{m.name}".lower(),
                                                 f"{m.brand} {m.name}".lower())]
        if brand:
            found = [m for m in found if m.brand.lower() == brand.strip().lower()] or found
        if not found:
            raise _refuse("model", _("Unknown model %(model)s: it is not among the group's "
                                     "vehicle models.") % {"model": name})
        if len(found) > 1:
            raise _refuse("model", _("Several brands have a model %(model)s; fill in the "
                                     "brand.") % {"model": name})
        return found[0]

    def _owner(self, ctx, mobile: str):
        from siwei.crm.models import Customer

        try:
            mobile = validate_mobile(mobile)
        except ValidationError as exc:
            raise ValidationError({"owner_mobile": exc.messages}) from None
        owner = (Customer.objects.filter(group_id=ctx.store.group_id, mobile=mobile,
                                         merged_into__isnull=True).order_by("id").first())
        if owner is None:
            raise _refuse("owner_mobile", _("No customer has mobile %(mobile)s; import the "
                                            "customers first.") % {"mobile": mobile})
        return owner

    def write(self, ctx, values):
        from siwei.crm.services.vehicles import vehicle_create

        data = _given(values, VEHICLE_FIELDS)
        if values.get("model"):
            data["model"] = self._model(ctx, values.get("brand") or "", values["model"])
            data.setdefault("brand", data["model"].brand)
        owner = self._owner(ctx, values["owner_mobile"]) if values.get("owner_mobile") else None
        if values.get("sold_here"):
            data["selling_store"] = ctx.store
        vehicle_create(actor=ctx.actor, store=ctx.store, vin=values.get("vin") or "",
                       owner=owner, **data)
        return CREATED


# --- parts and prices (PT-1) --------------------------------------------------------------

PART_FIELDS = ("name", "brand", "category", "unit", "cost", "list_price", "warranty_price",
               "insurance_price", "attribute_class", "is_key_part", "is_accessory",
               "compatible_models")


class PartHandler(Handler):
    kind = ImportKind.PARTS
    duplicate_column = "number"

    def duplicate_key(self, values):
        return (values.get("number") or "").strip().upper()

    def write(self, ctx, values):
        from siwei.parts.models import Part
        from siwei.parts.services import part_create, part_update

        number = (values.get("number") or "").strip().upper()
        if not number:
            raise _refuse("number", _("Enter the part number."))
        data = _given(values, PART_FIELDS)
        if "attribute_class" in data:
            data["attribute_class"] = data["attribute_class"].upper()
        part = Part.objects.filter(group_id=ctx.store.group_id, number=number).first()
        if part is not None:
            part_update(actor=ctx.actor, store=ctx.store, part=part, **data)
            return UPDATED
        if not data.get("name"):
            raise _refuse("name", _("%(number)s is a new part: enter its name.")
                          % {"number": number})
        part_create(actor=ctx.actor, store=ctx.store, group=ctx.store.group, number=number,
                    **data)
        return CREATED


# --- opening stock (PT-4, PT-6) -----------------------------------------------------------


class StockHandler(Handler):
    kind = ImportKind.STOCK
    field_columns = {"part": "part_number", "qty": "quantity"}
    code_columns = {"location_frozen": "location", "insufficient_stock": "quantity"}
    duplicate_column = "batch"

    def duplicate_key(self, values):
        return "|".join([(values.get("part_number") or "").strip().upper(),
                         (values.get("location") or "").strip().upper(),
                         (values.get("batch") or "").strip()])

    def write(self, ctx, values):
        from siwei.parts.models import Location, MoveKind, Part
        from siwei.parts.services._common import positive_quantity
        from siwei.parts.services.ledger import DocRef, receive_lot

        number = (values.get("part_number") or "").strip().upper()
        part = Part.objects.filter(group_id=ctx.store.group_id, number=number).first()
        if part is None:
            raise _refuse("part_number", _("Unknown part %(number)s: import it with the parts "
                                           "first.") % {"number": number})
        code = (values.get("location") or "").strip().upper()
        location = Location.objects.filter(store=ctx.store, code=code).first()
        if location is None:
            raise _refuse("location", _("Unknown location %(code)s in this store.")
                          % {"code": code})
        qty = positive_quantity(values.get("quantity"), "quantity")
        unit_cost = values.get("unit_cost")
        unit_cost = part.cost if unit_cost is None else Decimal(unit_cost)
        if unit_cost < 0:
            raise _refuse("unit_cost", _("The unit cost cannot be negative."))
        inbound = values.get("inbound_date") or ctx.today
        if inbound > ctx.today:
            raise _refuse("inbound_date", _("The inbound date is in the future."))
        receive_lot(actor=ctx.actor, store=ctx.store, part=part, qty=qty, unit_cost=unit_cost,
                    location=location, batch=values.get("batch") or "",
                    ref=DocRef("reports.importjob", str(ctx.job_id), str(ctx.row)),
                    kind=MoveKind.RECEIPT, inbound_date=inbound,
                    note=_("Opening balance (import)"))
        return CREATED


HANDLERS: dict[str, Handler] = {h.kind: h for h in (CustomerHandler(), VehicleHandler(),
                                                     PartHandler(), StockHandler())}
