from django.db import models
from django.utils.translation import gettext_lazy as _


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


OPEN_STATUSES = [ComplaintStatus.RECEIVED, ComplaintStatus.ACKNOWLEDGED, ComplaintStatus.PAUSED,
                 ComplaintStatus.RESOLVED]


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    NEUTRAL = "neutral", _("Neutral")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class DeadlineUnit(models.TextChoices):
    HOURS = "hours", _("Calendar hours")
    WORKDAYS = "workdays", _("Working days")


class DeadlineKind(models.TextChoices):
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
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
