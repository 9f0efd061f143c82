"""Choices of the shared layer: the outbox's channels and delivery states."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NotificationChannel(models.TextChoices):
    IN_APP = "in_app", _("In the application")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("notification status", "Pending")
    # claimed by a delivery worker (lease from `claimed_at`); re-claimed only once the lease expired
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed (gave up)")
