"""Labels of the customer and lead actions in the audit log."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "customer.create": _("Customer created"),
    "customer.update": _("Customer changed"),
    "customer.consent": _("Marketing consent changed"),
    "customer.vip": _("VIP set"),
    "customer.merge": _("Customers merged"),
    "customer.categories": _("Customer categories recomputed"),
    "customer.view_personal": _("Full personal data viewed"),
    "customer.export": _("Customers exported"),
    "customer.erase": _("Customer's personal data erased"),
    "vehicle.create": _("Vehicle registered"),
    "vehicle.update": _("Vehicle changed"),
    "vehicle.owner": _("Vehicle owner changed"),
    "vehicle.odometer_rollback": _("Lower odometer reading accepted"),
    "lead.create": _("Lead opened"),
    "lead.grade": _("Lead grade changed"),
    "lead.request_loss": _("Lost lead requested"),
    "lead.approve_loss": _("Lost lead approved"),
    "lead.reject_loss": _("Lost lead rejected"),
    "lead.win": _("Lead won"),
}
