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
