from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ComplaintChannel(models.TextChoices):
    COUNTER = "counter", _("Service hall counter")
    PHONE = "phone", _("Phone (95598)")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    WEB = "web", _("Web")
    WECHAT = "wechat", _("WeChat")
    FORWARDED = "forwarded", _("Forwarded from a higher authority (越级)")


class ComplaintSeverity(models.TextChoices):
    NORMAL = "normal", _("Normal")
    MAJOR = "major", _("Major")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    PAUSED = "paused", _("Paused")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    NEUTRAL = "neutral", _("Neutral")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class DeadlineUnit(models.TextChoices):
    HOURS = "hours", _("Calendar hours")
    WORKDAYS = "workdays", _("Working days")


class DeadlineKind(models.TextChoices):
    ASSIGN = "assign", pgettext_lazy("deadline", "Assign")
    ACK = "ack", _("Acknowledge")
    RESOLVE = "resolve", _("Resolve")
    CALLBACK = "callback", _("Callback")
    ARRIVE = "arrive", _("Arrive")
    RESTORE = "restore", _("Restore")
    # not a deadline: the complainant chased the complaint a second time (催办), see services
    URGE = "urge", _("Urged by the complainant")


class EscalationLevel(models.IntegerChoices):
    WARNING = 1, _("Warning")
    BREACHED = 2, _("Breached")
    SEVERE = 3, _("Severe")


class SubjectType(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    WORK_ORDER = "work_order", _("Work order")


class SlaState(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BREACHED = "breached", _("Breached")
    MET = "met", _("Met")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("extension status", "Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ComplaintAction(models.TextChoices):
    """The verbs of the lifecycle (SPEC §3); values are the API's action names."""

    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    PAUSE = "pause", _("Pause")
    RESUME = "resume", _("Resume")
    URGE = "urge", _("Urge")
    REQUEST_EXTENSION = "request-extension", _("Request extension")
    APPROVE_EXTENSION = "approve-extension", _("Decide extension")
    RESOLVE = "resolve", _("Resolve")
    CALLBACK = "callback", _("Call back")
    REOPEN = "reopen", _("Reopen")
    ASSIGN = "assign", pgettext_lazy("deadline", "Assign")
    # 首问负责制: a handler of the station takes an unassigned order from the station's queue
    TAKE = "take", _("Take")
    CLOSE = "close", pgettext_lazy("complaint action", "Close")


class EventKind(models.TextChoices):
    """What a timeline row records."""

    RECEIVED = "received", _("Received")
    REPEAT_WARNING = "repeat_warning", _("Repeat complaint warning (重复投诉预警)")
    ACKNOWLEDGED = "acknowledged", _("First contact made")
    PAUSED = "paused", _("Clock paused")
    RESUMED = "resumed", _("Clock resumed")
    URGED = "urged", _("Urged by the complainant (催办)")
    ESCALATED = "escalated", _("Escalated")
    ESCALATION_ACKNOWLEDGED = "escalation_acknowledged", _("Escalation acknowledged")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_REJECTED = "extension_rejected", _("Extension rejected")
    RESOLVED = "resolved", _("Resolved (reply given)")
    CALLED_BACK = "called_back", _("Called back")
    REOPENED = "reopened", _("Reopened")
    ASSIGNED = "assigned", _("Assigned")
    CALENDAR_CORRECTED = "calendar_corrected", _("Work calendar corrected")
    TAKEN = "taken", _("Taken from the station queue (首问负责制)")
    CLOSED = "closed", _("Closed")
    MARKED_TYPICAL = "marked_typical", _("Marked as a typical case")


class AckHow(models.TextChoices):
    PHONE = "phone", _("By phone")
    IN_PERSON = "in_person", _("In person")
    AT_COUNTER = "at_counter", _("At the counter, on the spot")
    SMS = "sms", _("By SMS / WeChat")
    VISIT = "visit", _("On a visit")
