"""Labels of the sales actions in the audit log."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "stock_vehicle.create": _("Vehicle taken into stock"),
    "certificate.move": _("Certificate moved"),
    "sales_order.create": _("Quote created"),
    "sales_order.update": _("Quote changed"),
    "sales_order.approve_discount": _("Discount approved"),
    "sales_order.confirm": _("Order confirmed"),
    "sales_order.allocate": _("VIN allocated"),
    "sales_order.paid": _("Order paid in full"),
    "sales_order.unpaid": _("Order no longer paid in full"),
    "sales_order.release_certificate": _("Certificate released to the buyer"),
    "sales_order.deliver": _("Car delivered"),
    "sales_order.cancel": _("Order cancelled"),
    "sales.settings": _("Sales settings changed"),
    "sales_target.set": _("Sales target set"),
    "payment.record": _("Payment recorded"),
}
