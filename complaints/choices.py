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
    HOTLINE_12398 = "hotline_12398", _("12398 energy regulator hotline")
    HOTLINE_12345 = "hotline_12345", _("12345 government service hotline")


# Orders from a higher authority (越级, SPEC §4): the leadership group is told at intake and a
# breach is severe at once.
HIGHER_AUTHORITY = (ComplaintChannel.FORWARDED, ComplaintChannel.HOTLINE_12398, ComplaintChannel.HOTLINE_12345)


class ComplaintSeverity(models.TextChoices):
    NORMAL = "normal", _("Normal")
    SIGNIFICANT = "significant", _("Significant")
    MAJOR = "major", _("Major")
    SPECIAL = "special", _("Special")


# A breach of these is severe at once (SPEC §4, §11).
SEVERE_AT_ONCE_SEVERITIES = (ComplaintSeverity.MAJOR, ComplaintSeverity.SPECIAL)
# These need a manager's review (deadline `review`) before the station gets the complaint (SPEC §11).
REVIEW_SEVERITIES = (ComplaintSeverity.SIGNIFICANT, ComplaintSeverity.MAJOR, ComplaintSeverity.SPECIAL)


class OrderKind(models.TextChoices):
    """The kinds of 95598 order (SPEC §11); declared in complaints/kinds.py."""

    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", pgettext_lazy("order kind", "Report")  # 举报, not a report (报表)
    OPINION = "opinion", _("Opinion")
    SUGGESTION = "suggestion", _("Suggestion")
    ENQUIRY = "enquiry", _("Enquiry")
    PRAISE = "praise", _("Praise")
    SERVICE = "service", _("Service request")
    REPAIR = "repair", _("Fault repair")


class ServiceType(models.TextChoices):
    """Sub-types of a service request (服务申请, SPEC §7, §11)."""

    RECONNECTION = "reconnection", _("Reconnection after arrears paid")
    APPLIANCE_DAMAGE = "appliance_damage", _("Appliance damage")
    METER_FAULT = "meter_fault", _("Meter fault")
    READING_ANOMALY = "reading_anomaly", _("Meter-reading anomaly")
    OTHER = "other", _("Other request")


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
    REVIEW = "review", _("Manager review")
    ACK = "ack", _("Acknowledge")
    RESOLVE = "resolve", _("Resolve")
    CALLBACK = "callback", _("Callback")
    ARRIVE = "arrive", _("Arrive")
    RESTORE = "restore", _("Restore")
    # not a deadline: the complainant chased the complaint a second time (催办), see services
    URGE = "urge", _("Urged by the complainant")
    # an outage's notice to its customers (outages, SPEC §12): planned 7 days ahead, temporary 24 h
    NOTICE = "notice", _("Outage notice")


class EscalationLevel(models.IntegerChoices):
    WARNING = 1, _("Warning")
    BREACHED = 2, _("Breached")
    SEVERE = 3, _("Severe")


class SubjectType(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    WORK_ORDER = "work_order", _("Work order")
    OUTAGE = "outage", _("Outage")  # outages (SPEC §12): its notice deadline escalates like any other


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
    # a manager reviews a significant, major or special complaint before the station gets it
    REVIEW = "review", _("Review")
    # 退单 (SPEC §11): the station returns an order that is not its business; the service center
    # sends it on (`send`) to the right station
    RETURN = "return", _("Return to the service center")
    SEND = "send", _("Send to a station")
    # an enquiry's reply (咨询): the answer given, which closes it
    ANSWER = "answer", _("Answer")
    TERMINATE = "terminate", _("Terminate the service")


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
    ANSWERED = "answered", _("Answered")
    REVIEWED = "reviewed", _("Reviewed by a manager")
    REPAIRED = "repaired", _("Repaired (work order completed)")
    RETURNED = "returned", _("Returned by the station (退单)")
    SENT = "sent", _("Sent to a station by the service center")
    TERMINATED = "terminated", _("Service terminated (服务终止)")


class AckHow(models.TextChoices):
    PHONE = "phone", _("By phone")
    IN_PERSON = "in_person", _("In person")
    AT_COUNTER = "at_counter", _("At the counter, on the spot")
    SMS = "sms", _("By SMS / WeChat")
    VISIT = "visit", _("On a visit")
