"""Choices of work orders and the allowed-transition map (SPEC §3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WorkOrderKind(models.TextChoices):
    REPAIR = "repair", _("Repair (抢修)")
    SURVEY = "survey", _("Survey (勘查)")
    METER_CHECK = "meter_check", _("Meter check (计量检查)")
    INSPECTION = "inspection", _("Safety inspection (安全检查)")


class WorkOrderStatus(models.TextChoices):
    CREATED = "created", _("Created")
    DISPATCHED = "dispatched", _("Dispatched")
    ACCEPTED = "accepted", _("Accepted")
    EN_ROUTE = "en_route", _("En route")
    ON_SITE = "on_site", _("On site")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class WorkOrderPriority(models.IntegerChoices):
    URGENT = 1, _("Urgent")
    HIGH = 2, _("High")
    NORMAL = 3, pgettext_lazy("work order priority", "Normal")
    LOW = 4, _("Low")


class WorkOrderAction(models.TextChoices):
    DISPATCH = "dispatch", _("Dispatch")
    ACCEPT = "accept", _("Accept")
    DEPART = "depart", _("Depart")
    ARRIVE = "arrive", pgettext_lazy("work order action", "Arrive")
    COMPLETE = "complete", _("Complete")
    CANCEL = "cancel", _("Cancel")


S = WorkOrderStatus
A = WorkOrderAction

# Orders not yet finished (the crew's list, the sweep, "open" counters).
OPEN_STATUSES = [S.CREATED, S.DISPATCHED, S.ACCEPTED, S.EN_ROUTE, S.ON_SITE]
# Before arrival: the arrival clock runs.
BEFORE_ARRIVAL = [S.CREATED, S.DISPATCHED, S.ACCEPTED, S.EN_ROUTE]

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[list[str], str]] = {
    A.DISPATCH: ([S.CREATED, S.DISPATCHED], S.DISPATCHED),  # re-dispatch to another crew before acceptance
    A.ACCEPT: ([S.DISPATCHED], S.ACCEPTED),
    A.DEPART: ([S.ACCEPTED], S.EN_ROUTE),
    A.ARRIVE: ([S.EN_ROUTE], S.ON_SITE),
    A.COMPLETE: ([S.ON_SITE], S.COMPLETED),
    A.CANCEL: (list(OPEN_STATUSES), S.CANCELLED),
}

# The one next step a crew performs from each status (the big button on /crew/<number>/).
CREW_NEXT_ACTION: dict[str, str] = {
    S.DISPATCHED: A.ACCEPT,
    S.ACCEPTED: A.DEPART,
    S.EN_ROUTE: A.ARRIVE,
    S.ON_SITE: A.COMPLETE,
}


def allowed_actions(status: str) -> list[str]:
    """Actions allowed from `status`, in workflow order."""
    return [str(action) for action, (sources, _target) in TRANSITIONS.items() if status in sources]


# How an event kind reads on the history lists.
EVENT_LABELS = {
    "created": _("Created"),
    "dispatch": _("Dispatched"),
    "accept": _("Accepted"),
    "depart": _("Left for the site"),
    "arrive": _("Arrived on site"),
    "complete": _("Completed"),
    "cancel": _("Cancelled"),
    "photo_added": _("Photo added"),
    "escalated": _("Escalated (deadline)"),
}
