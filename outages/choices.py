"""Choices of outages (SPEC §12): kinds, statuses, actions, the customers' SMS messages and the
frequent-outage thresholds."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutageKind(models.TextChoices):
    PLANNED = "planned", _("Planned outage")
    TEMPORARY = "temporary", _("Temporary outage")
    FAULT = "fault", _("Fault outage")


class OutageStatus(models.TextChoices):
    ANNOUNCED = "announced", pgettext_lazy("outage status", "Announced")
    IN_PROGRESS = "in_progress", pgettext_lazy("outage status", "Power off")
    RESTORED = "restored", pgettext_lazy("outage status", "Restored")
    CANCELLED = "cancelled", pgettext_lazy("outage status", "Cancelled")


class OutageAction(models.TextChoices):
    START = "start", pgettext_lazy("outage action", "Start (power off)")
    UPDATE_ESTIMATE = "update-estimate", _("Update the estimated restore time")
    RESTORE = "restore", pgettext_lazy("outage action", "Restore power")
    CANCEL = "cancel", pgettext_lazy("outage action", "Cancel")


class SmsKind(models.TextChoices):
    ANNOUNCE = "announce", _("Announcement")
    ESTIMATE = "estimate", _("New estimated restore time")
    RESTORE = "restore", _("Power restored")
    CANCEL = "cancel", _("Outage cancelled")


class LinkSubject(models.TextChoices):
    """What an outage link points at (by id: no foreign key into the apps below)."""

    COMPLAINT = "complaint", _("Order (complaint, repair call, enquiry …)")
    WORK_ORDER = "work_order", _("Work order")


class FrequentThreshold(models.TextChoices):
    MONTH = "month", _("3 or more in a calendar month")
    YEAR = "12months", _("5 or more in 12 months")
