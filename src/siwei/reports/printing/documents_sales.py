"""FN-8 printouts of the showroom and the cashier: the sales order and the sales contract,
the delivery checklist with the buyer's signature, and the payment receipt (80 mm or A4).
Totals are the order's and the payment's own stored amounts (computed by the sales and
finance services), not recomputed here."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from reportlab.lib.units import mm

from siwei.core.masking import mask_id_number, mask_mobile
from siwei.sales.models import SalesOrder

from .documents_service import person
from .layout import RECEIPT_80MM, Paper, Printout, quantity, signature_image, term, yuan

DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ["", "拾", "佰", "仟"]
GROUPS = ["", "万", "亿", "万亿"]


def _four(number: int) -> str:
    """0 < number < 10000 in capitals, zeros inside collapsed: 1005 → 壹仟零伍."""
    text, zero = "", False
    for place in range(3, -1, -1):
        digit = number // 10**place % 10
        if digit:
            text += ("零" if zero and text else "") + DIGITS[digit] + UNITS[place]
            zero = False
        else:
            zero = True
    return text


def rmb_upper(amount) -> str:
    """An amount in Chinese capital numerals (人民币大写), as receipts print it:
    ``1005.07`` → ``壹仟零伍元零柒分``, ``120800`` → ``壹拾贰万零捌佰元整``."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "负" if amount < 0 else ""
    whole, cents = divmod(int(abs(amount) * 100), 100)
    groups = []
    while whole:
        whole, group = divmod(whole, 10000)
        groups.append(group)
    text, pending_zero = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if not group:
            pending_zero = bool(text)
            continue
        if text and (pending_zero or group < 1000):
            text += "零"
        text += _four(group) + GROUPS[index]
        pending_zero = False
    if text:
        text += "元"
    jiao, fen = divmod(cents, 10)
    if not fen:
        text += (DIGITS[jiao] + "角" if jiao else "") or ("" if text else "零元")
        return sign + text + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif text:
        text += "零"
    return sign + text + DIGITS[fen] + "分"


def _buyer(doc: Printout, order: SalesOrder, personal: bool) -> None:
    customer = order.customer
    mobile = customer.mobile if personal else mask_mobile(customer.mobile or "")
    id_number = customer.id_number if personal else mask_id_number(customer.id_number or "")
    vehicle = order.stock_vehicle
    doc.kv([
        (_("Customer"), customer.name), (_("Mobile"), mobile),
        (_("Resident ID"), id_number or "—"), (_("Consultant"), person(order.consultant)),
        (_("Model"), str(order.trim or order.model)),
        (_("Colour"), order.colour or "—"),
        (_("VIN"), vehicle.vin if vehicle else _("not allocated yet")),
        (_("Status"), order.get_status_display()),
    ])


def _order_lines(doc: Printout, order: SalesOrder, lines: list) -> None:
    rows = [[_("Vehicle"), "1", yuan(order.msrp), yuan(order.vehicle_price)]]
    for line in lines:
        name = line.description + (f" ({_('gift')})" if line.is_gift else "")
        if line.install != "none":
            name += f" · {line.get_install_display()}"
        rows.append([name, quantity(line.quantity), yuan(line.unit_price),
                     "—" if line.is_gift else yuan(line.unit_price * line.quantity)])
    if order.registration_fee:
        rows.append([_("Registration service fee"), "1", "", yuan(order.registration_fee)])
    doc.table([_("Item"), _("Quantity"), _("Price"), _("Amount")], rows,
              widths=[5, 1, 1.6, 1.6], align_right=(1, 2, 3))
    info = []
    if order.insurance_company:
        info.append((_("Insurance"), f"{order.insurance_company} {yuan(order.insurance_premium)}"))
    if order.finance_bank:
        info.append((_("Financing"),
                     f"{order.finance_bank} {yuan(order.loan_amount)} / "
                     f"{order.loan_term_months} {_('months')}, {_('down payment')} "
                     f"{yuan(order.down_payment)}"))
    if order.trade_in_vin:
        info.append((_("Trade-in"), f"{order.trade_in_vin} {yuan(order.trade_in_valuation)}"))
    info.append((_("Purchase tax estimate"), yuan(order.purchase_tax_estimate)))
    doc.kv(info, columns=1)
    doc.totals([(_("MSRP"), yuan(order.msrp)),
                (_("Discount"), yuan(order.msrp - order.vehicle_price)),
                (_("Paid"), yuan(order.paid)), (_("Balance due"), yuan(order.balance_due)),
                (_("Customer pays"), yuan(order.total))])
    doc.text(f"{_('In words')}: {rmb_upper(order.total)}")


def sales_order_pdf(order: SalesOrder, *, personal: bool = False,
                    lines: list | None = None) -> bytes:
    """The sales order (订车单, CS-16) for the buyer to check and sign."""
    lines = list(order.lines.all()) if lines is None else lines
    doc = Printout(store=order.store, title=_("Sales order"), number=order.number,
                   date=order.created_at, subtitle=term("订车单"))
    _buyer(doc, order, personal)
    _order_lines(doc, order, lines)
    doc.signatures([_("Customer"), _("Consultant")],
                   names={_("Consultant"): person(order.consultant)})
    return doc.pdf()


def sales_contract_pdf(order: SalesOrder, *, personal: bool = True,
                       lines: list | None = None) -> bytes:
    """The vehicle sales contract (汽车销售合同): the order with the terms and both
    parties' signatures. The buyer's ID is printed in full only for users who may see it."""
    lines = list(order.lines.all()) if lines is None else lines
    doc = Printout(store=order.store, title=_("Vehicle sales contract"), number=order.number,
                   date=order.confirmed_at or order.created_at, subtitle=term("汽车销售合同"))
    doc.kv([(_("Seller"), order.store.name)], columns=1)
    _buyer(doc, order, personal)
    _order_lines(doc, order, lines)
    doc.section(_("Terms"))
    for number, clause in enumerate([
        _("The buyer pays the deposit when signing; the vehicle is allocated by VIN after "
          "the deposit is received."),
        _("The balance is due before delivery. The vehicle certificate is handed over "
          "after full payment."),
        _("If the buyer withdraws, the deposit is handled as agreed when it was paid."),
        _("The manufacturer's warranty starts on the delivery date."),
    ], 1):
        doc.text(f"{number}. {clause}")
    doc.signatures([_("Buyer"), _("Seller")], names={_("Seller"): person(order.consultant)})
    return doc.pdf()


def delivery_checklist_pdf(order: SalesOrder, *, personal: bool = False) -> bytes:
    """The delivery checklist (交车确认单, CS-18) with the buyer's signature."""
    from siwei.sales.services.delivery import CHECKLIST

    delivery = getattr(order, "delivery", None)
    doc = Printout(store=order.store, title=_("Delivery checklist"), number=order.number,
                   date=delivery.delivered_at if delivery else None, subtitle=term("交车确认单"))
    _buyer(doc, order, personal)
    checked = delivery.checklist if delivery else {}
    doc.table([_("Item"), _("Done")],
              [[_(label), "☑" if checked.get(key) else "☐"] for key, label in CHECKLIST],
              widths=[6, 1])
    accessories = [line for line in order.lines.all() if line.install != "none"]
    if accessories:
        doc.table([_("Accessory"), _("Installation"), _("Installed")],
                  [[a.description, a.get_install_display(), _("yes") if a.installed else _("no")]
                   for a in accessories], widths=[4, 2, 1])
    if delivery:
        doc.kv([(_("Keys handed over"), delivery.keys_count),
                (_("Odometer at delivery"), f"{delivery.mileage} km"),
                (_("Delivered by"), person(delivery.by))])
    image = signature_image(delivery.signature, 45 * mm, 18 * mm) if delivery else None
    doc.signatures([_("Customer"), _("Consultant")], image_for={_("Customer"): image},
                   names={_("Consultant"): person(order.consultant)})
    return doc.pdf()


def payment_receipt_pdf(payment, *, paper: Paper = RECEIPT_80MM,
                        personal: bool = False) -> bytes:
    """The receipt of one payment (收据, FN-1) on 80 mm receipt paper or A4."""
    order = payment.sales_order or payment.repair_order
    customer = order.customer if order is not None else None
    doc = Printout(store=payment.store, title=_("Payment receipt"), number=payment.receipt_number,
                   date=payment.at, subtitle=term("收款收据"), paper=paper)
    rows = [(_("Received from"), customer.name if customer else "—"),
            (_("For"), order.number if order is not None else "—"),
            (_("Kind"), payment.get_kind_display()),
            (_("Method"), payment.get_method_display())]
    if payment.reference:
        rows.append((_("Reference"), payment.reference))
    if payment.note:
        rows.append((_("Note"), payment.note))
    if payment.repair_order_id:
        rows.append((_("Vehicle"), payment.repair_order.vehicle.plate))
    doc.kv(rows)
    doc.totals([(_("Amount"), yuan(payment.amount))])
    doc.text(f"{_('In words')}: {rmb_upper(payment.amount)}")
    if order is not None:
        doc.kv([(_("Order total"), yuan(getattr(order, "total", None)
                                        or getattr(order, "customer_total", 0))),
                (_("Paid so far"), yuan(order.paid))])
    doc.qr(payment.receipt_number, size_mm=18, caption="")
    doc.signatures([_("Cashier")], names={_("Cashier"): person(payment.cashier)})
    return doc.pdf()
