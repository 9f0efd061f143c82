"""Labels of the outage timeline's events, in the reader's language."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

EVENT_LABELS = {
    "created": pgettext_lazy("outage event", "Opened"),
    "started": pgettext_lazy("outage event", "Power off"),
    "estimate_changed": _("Estimated restore changed"),
    "restored": pgettext_lazy("outage event", "Power restored"),
    "cancelled": pgettext_lazy("outage event", "Cancelled"),
    "order_linked": _("Order linked"),
    "frequent_warning": _("Frequent-outage warning"),
    "escalated": pgettext_lazy("outage event", "Escalated"),
}


def event_label(kind: str) -> str:
    return str(EVENT_LABELS.get(kind, kind))
