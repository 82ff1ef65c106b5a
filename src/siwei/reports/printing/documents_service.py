"""FN-8 printouts of a repair order: the estimate (委托书) with the customer's signature,
the repair contract, the settlement bill (结算单), the gate pass (出门证, A4 or 80 mm) and
the completion certificate. The lines and totals are those of the HTML print view
(``siwei.service.selectors_orders.bill_context``), never recomputed here."""

from __future__ import annotations

from django.utils.translation import gettext as _
from reportlab.lib.units import mm

from siwei.core.masking import mask_mobile
from siwei.service.models import Payer, RepairOrder

from .layout import (
    A4_PAPER,
    RECEIPT_80MM,
    Paper,
    Printout,
    quantity,
    signature_image,
    term,
    when,
    yuan,
)


def person(user) -> str:
    if user is None:
        return ""
    employee = getattr(user, "employee", None)
    return getattr(employee, "name", "") or user.get_full_name() or user.get_username()


def _payer_label(code: str) -> str:
    try:
        return str(Payer(code).label)
    except ValueError:
        return code


def bill_data(ro: RepairOrder) -> dict:
    """The same data the HTML print view shows."""
    from siwei.service.selectors_orders import bill_context

    return bill_context(ro)


def _vehicle_block(doc: Printout, ro: RepairOrder, personal: bool) -> None:
    customer, vehicle = ro.customer, ro.vehicle
    mobile = customer.mobile if personal else mask_mobile(customer.mobile or "")
    doc.kv([
        (_("Customer"), f"{customer.name} {mobile}".strip()),
        (_("Vehicle"), f"{vehicle.plate} {vehicle.model or vehicle.brand or ''}".strip()),
        (_("VIN"), vehicle.vin),
        (_("Mileage"), f"{ro.mileage} km"),
        (_("Received"), when(ro.received_at)),
        (_("Promised"), when(ro.promised_at)),
        (_("Advisor"), person(ro.advisor)),
        (_("Category"), ro.get_category_display()),
    ])


def _lines(doc: Printout, data: dict) -> None:
    rows = []
    for job in data["billed_jobs"]:
        rows.append([job.name + (" *" if job.additional else ""), quantity(job.hours),
                     yuan(job.rate), yuan(job.amount), job.get_payer_display()])
    for line in data["billed_parts"]:
        rows.append([f"{line.part.number} {line.part.name}" + (" *" if line.additional else ""),
                     f"{quantity(line.quantity)} {line.part.unit}", yuan(line.unit_price),
                     yuan(line.amount), line.get_payer_display()])
    if doc.receipt:
        doc.table([_("Item"), _("Amount")], [[r[0], r[3]] for r in rows], widths=[3, 1.4],
                  align_right=(1,))
    else:
        doc.table([_("Item"), _("Hours / quantity"), _("Price"), _("Amount"), _("Payer")],
                  rows, widths=[5, 1.6, 1.4, 1.4, 1.3], align_right=(1, 2, 3))


def _totals(doc: Printout, ro: RepairOrder, data: dict) -> None:
    rows = []
    for payer, row in data["payer_totals"].items():
        rows.append((f"{_payer_label(payer)} {_('labour')} {yuan(row['labour'])} "
                     f"{_('parts')} {yuan(row['parts'])}", yuan(row["total"])))
    if ro.discount_percent:
        rows.append((f"{_('Discount')} {ro.discount_percent} %",
                     f"-{yuan(data['discount_amount'])}"))
    rows.append((_("Customer pays"), yuan(ro.customer_total)))
    doc.totals(rows)


def _concerns(doc: Printout, ro: RepairOrder, data: dict) -> None:
    concerns = " ".join(f"{i}. {c.text}" for i, c in enumerate(data["concerns"], 1))
    doc.kv([(_("Complaints"), concerns or "—"),
            (_("Diagnosis"), ro.diagnosis or "—"),
            (_("Fuel"), "—" if ro.fuel_level is None else f"{ro.fuel_level} %"),
            (_("Damage"), ro.damage_notes or "—"),
            (_("Valuables"), ro.valuables or "—"),
            (_("Handed over"), ro.items_handed_over or "—"),
            (_("Old parts back to the customer"), _("yes") if ro.return_old_parts else _("no"))],
           columns=1)


def _customer_signature(doc: Printout, ro: RepairOrder) -> None:
    label = _("Customer")
    image = signature_image(ro.signature, 45 * mm, 18 * mm)
    name = ro.signed_by_name
    if ro.phone_consent and name:
        name = f"{name} ({_('by phone')})"
    doc.signatures([label, _("Advisor")], image_for={label: image},
                   names={label: "" if image else name, _("Advisor"): person(ro.advisor)})


def repair_estimate_pdf(ro: RepairOrder, *, personal: bool = False,
                        data: dict | None = None) -> bytes:
    """The signed repair order and estimate (任务委托书, SV-7) with the signature."""
    data = data or bill_data(ro)
    doc = Printout(store=ro.store, title=_("Repair order and estimate"), number=ro.number,
                   date=ro.signed_at or ro.received_at, subtitle=term("任务委托书"))
    _vehicle_block(doc, ro, personal)
    _concerns(doc, ro, data)
    _lines(doc, data)
    _totals(doc, ro, data)
    doc.text(_("Lines marked * are additional work approved after the signature."), small=True)
    _customer_signature(doc, ro)
    return doc.pdf()


def repair_contract_pdf(ro: RepairOrder, *, personal: bool = False,
                        data: dict | None = None) -> bytes:
    """The repair contract (维修合同, SV-8) with the manager's approval."""
    data = data or bill_data(ro)
    doc = Printout(store=ro.store, title=_("Repair contract"), number=ro.number,
                   date=ro.signed_at or ro.received_at, subtitle=term("维修合同"))
    _vehicle_block(doc, ro, personal)
    _concerns(doc, ro, data)
    _lines(doc, data)
    _totals(doc, ro, data)
    doc.text(_("The customer entrusts the workshop with the repair listed above at the prices "
               "shown. Additional work is only done after the customer approves it. The "
               "estimate is binding unless the customer approves a change."))
    doc.kv([(_("Approved by the service manager"),
             f"{person(ro.contract_approved_by) or '________'} "
             f"{when(ro.contract_approved_at, with_time=False)}")], columns=1)
    _customer_signature(doc, ro)
    return doc.pdf()


def repair_bill_pdf(ro: RepairOrder, *, personal: bool = False,
                    data: dict | None = None) -> bytes:
    """The settlement bill (结算单, SV-15): lines, totals per payer, discount, old parts,
    recommended work, wear parts and the next maintenance."""
    data = data or bill_data(ro)
    doc = Printout(store=ro.store, title=_("Bill"), number=ro.number,
                   date=ro.settled_at or ro.received_at, subtitle=term("结算单"))
    _vehicle_block(doc, ro, personal)
    _lines(doc, data)
    _totals(doc, ro, data)
    paid = [(f"{p.receipt_number} {p.get_method_display()} {when(p.at)}", yuan(p.amount))
            for p in data["payments"]]
    if paid:
        doc.section(_("Payments"))
        doc.totals([*paid, (_("Balance"), yuan(data["balance"]))])
    extra = [(_("Old parts"), _("handed back to the customer") if ro.return_old_parts
              else _("kept by the workshop for disposal or the warranty return"))]
    if data["recommended"]:
        extra.append((_("Recommended work not done"),
                      "; ".join(f"{line} {yuan(line.amount)}" for line in data["recommended"])))
    if data["wear"]:
        extra.append((_("Remaining life of wear parts"),
                      " · ".join(f"{k} {v} %" for k, v in data["wear"].items())))
    if data["next_due"]:
        due = data["next_due"]
        text = when(due["date"])
        if due.get("km"):
            text += f" {_('or')} {due['km']} km"
        extra.append((_("Next maintenance due"), f"{text}, {_('whichever comes first')}"))
    if ro.certificate_number:
        extra.append((_("Completion certificate"), ro.certificate_number))
    doc.kv(extra, columns=1)
    doc.signatures([_("Customer"), _("Advisor"), _("Cashier")],
                   names={_("Advisor"): person(ro.advisor)})
    return doc.pdf()


def gate_pass_pdf(ro: RepairOrder, *, paper: Paper = A4_PAPER, personal: bool = False,
                  data: dict | None = None) -> bytes:
    """The gate pass (出门证, SV-16), on A4 or 80 mm receipt paper, with a QR code of its
    number for the guard."""
    doc = Printout(store=ro.store, title=_("Gate pass"), number=ro.gate_pass_number,
                   date=ro.released_at, subtitle=term("出门证"), paper=paper)
    vehicle = ro.vehicle
    doc.kv([(_("Plate"), vehicle.plate), (_("Vehicle"), str(vehicle.model or vehicle.brand)),
            (_("VIN"), vehicle.vin), (_("Customer"), ro.customer.name),
            (_("Repair order"), ro.number), (_("Released"), when(ro.released_at)),
            (_("Paid"), f"{yuan(ro.paid)} / {yuan(ro.customer_total)}")])
    doc.text(_("The vehicle may leave the premises."))
    doc.qr(ro.gate_pass_number, size_mm=20 if paper is RECEIPT_80MM else 25,
           caption=ro.gate_pass_number)
    doc.signatures([_("Advisor"), _("Guard")], names={_("Advisor"): person(ro.advisor)})
    return doc.pdf()


def completion_certificate_pdf(ro: RepairOrder, *, personal: bool = False,
                               data: dict | None = None) -> bytes:
    """The completion certificate (竣工出厂合格证): the work done and the passed final
    inspection."""
    data = data or bill_data(ro)
    doc = Printout(store=ro.store, title=_("Completion certificate"),
                   number=ro.certificate_number, date=ro.inspected_at,
                   subtitle=term("竣工出厂合格证"))
    _vehicle_block(doc, ro, personal)
    doc.table([_("Work done"), _("Technician")],
              [[job.name, person(job.technician)] for job in data["billed_jobs"]],
              widths=[4, 1.5])
    final = data["final_inspection"]
    doc.kv([(_("Final inspection"), _("passed") if final else "—"),
            (_("Inspector"), person(final.inspector) if final else ""),
            (_("Inspected"), when(final.at) if final else ""),
            (_("Road test"), (_("yes") if final.road_test else _("no")) if final else "")])
    doc.text(_("The vehicle was repaired and passed the final inspection; it is certified fit "
               "to leave the workshop."))
    doc.qr(f"{ro.certificate_number}|{ro.vehicle.vin}", size_mm=22)
    doc.signatures([_("Inspector"), _("Customer")],
                   names={_("Inspector"): person(final.inspector) if final else ""})
    return doc.pdf()
