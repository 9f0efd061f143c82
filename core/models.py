"""The shared layer's tables: the notification outbox, the daily number counters, the work
calendar, and the `TimeStamped` base every app's models use.

These models moved here from customers and complaints (migration core 0001): their tables keep
their old names (`customers_notification`, `customers_dailysequence`,
`complaints_workcalendarday`), so no data was copied.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import NotificationChannel, NotificationStatus


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Notification(TimeStamped):
    """A persisted message to a staff member: the outbox.

    Written in the same transaction as the change it reports; delivered by
    `customers.send_notifications` (core.delivery). `dedupe_key` makes "one message per event and recipient"
    a database guarantee.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField(pgettext_lazy("notification", "channel"), max_length=10,
                               choices=NotificationChannel.choices,
                               default=NotificationChannel.IN_APP)
    kind = models.CharField(_("kind"), max_length=50)
    dedupe_key = models.CharField(max_length=200)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True, default="")
    link = models.CharField(_("link"), max_length=300, blank=True, default="")
    urgent = models.BooleanField(_("urgent (ignores quiet hours)"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=NotificationStatus.choices,
                              default=NotificationStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # when a delivery worker claimed the row (status `sending`): its lease runs from here
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "customers_notification"
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "channel", "dedupe_key"],
                                    name="customers_notification_unique_event"),
        ]
        indexes = [
            # send_notifications: pending rows due for an attempt
            models.Index(fields=["next_attempt_at"], name="customers_notif_pending",
                         condition=Q(status="pending")),
            # a user's inbox, newest first
            models.Index(fields=["recipient", "-created_at"], name="customers_notif_inbox"),
            # send_notifications: claimed rows whose lease may have expired (worker killed)
            models.Index(fields=["claimed_at"], name="customers_notif_sending",
                         condition=Q(status="sending")),
        ]

    def __str__(self):
        return f"{self.recipient_id} {self.channel} {self.subject}"


class WorkCalendarDay(TimeStamped):
    """A date whose working status differs from the default (weekends off, weekdays on):
    public holidays (off) and 调休 make-up days (on). Seeded from `chinesecalendar`."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100, blank=True, default="")
    source = models.CharField(_("source"), max_length=20, default="manual")

    class Meta:
        db_table = "complaints_workcalendarday"
        ordering = ["date"]
        verbose_name = _("work calendar day")
        verbose_name_plural = _("work calendar")

    def __str__(self):
        return f"{self.date} {'work' if self.is_workday else 'off'} {self.name}"


class DailySequence(models.Model):
    """Daily counters for human-facing numbers (TS20261125 0001, GD20261125 0001).

    Incremented with a row lock (or SQLite's write lock), so concurrent intakes never get the
    same number.
    """

    prefix = models.CharField(max_length=10)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "customers_dailysequence"
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="customers_dailysequence_unique")]

    def __str__(self):
        return f"{self.prefix}{self.day:%Y%m%d}:{self.last}"
