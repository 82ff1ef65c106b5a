"""What the parts department's audit actions mean, for people reading the audit log."""

from django.utils.translation import gettext_lazy as _

from siwei.core.audit import ACTION_LABELS

ACTION_LABELS.update({
    "parts.part_create": _("Part created"),
    "parts.part_update": _("Part changed"),
    "parts.supplier_create": _("Supplier created"),
    "parts.location_create": _("Location created"),
    "parts.average_cost": _("Moving average cost changed"),
    "parts.issue": _("Parts issued"),
    "parts.return": _("Parts returned"),
    "parts.reserve": _("Parts reserved"),
    "parts.release": _("Reservation released"),
    "parts.relocate": _("Stock relocated"),
    "parts.reverse": _("Stock move reversed"),
    "parts.request": _("Parts requested"),
    "parts.request_cancel": _("Parts request cancelled"),
    "parts.po_create": _("Purchase order created"),
    "parts.po_add_line": _("Purchase order line added"),
    "parts.po_send": _("Purchase order sent"),
    "parts.po_receive_part": _("Purchase order partly received"),
    "parts.po_receive_all": _("Purchase order received"),
    "parts.po_close": _("Purchase order closed"),
    "parts.po_cancel": _("Purchase order cancelled"),
    "parts.nonconformance": _("Nonconforming goods recorded"),
    "parts.transfer_request": _("Transfer requested"),
    "parts.transfer_approve": _("Transfer approved"),
    "parts.transfer_ship": _("Transfer shipped"),
    "parts.transfer_receive": _("Transfer received"),
    "parts.transfer_cancel": _("Transfer cancelled"),
    "parts.stocktake_create": _("Stocktake started"),
    "parts.stocktake_submit": _("Stocktake submitted"),
    "parts.stocktake_reopen": _("Stocktake reopened"),
    "parts.stocktake_approve": _("Stocktake approved"),
    "parts.stocktake_adjust": _("Stocktake adjustments posted"),
    "parts.stocktake_cancel": _("Stocktake cancelled"),
    "parts.abc_classify": _("ABC classes updated"),
})
