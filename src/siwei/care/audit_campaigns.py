"""Audit labels of customer care: segments, campaigns and messages."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict = {
    "segment.create": _("Segment created"),
    "segment.update": _("Segment changed"),
    "segment.delete": _("Segment deleted"),
    "campaign.create": _("Campaign created"),
    "campaign.update": _("Campaign changed"),
    "campaign.schedule": _("Campaign scheduled"),
    "campaign.cancel": _("Campaign cancelled"),
    "campaign.send": _("Campaign sent"),
}
