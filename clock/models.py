"""Deadlines as rows (SPEC §10): one narrow table of every deadline of every object, and the
history of its moves.

A row is keyed by (subject type, subject id, kind, cycle): any object with a declared lifecycle
(`clock.lifecycle`) has its deadlines here, without a foreign key per app. The row is written by
`clock.engine.sync` whenever the object's deadline columns or status change (one upsert), and by
the sweep (level, breached). The sweep reads nothing else: its partial indexes hold only running
rows below a level, so its work follows the crossings. The columns the indexes are built on
(`running`, `breached`, `level`, `due_at`, `warn_at`) are the only ones the sweep changes besides
`updated_at`; the table stays narrow so that those updates are cheap (fillfactor 80 leaves room for
HOT updates of rows whose indexed columns do not change).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from servicecenter.append_only import append_only


class Deadline(models.Model):
    subject_type = models.CharField(_("object type"), max_length=20)
    subject_id = models.BigIntegerField(_("object id"))
    kind = models.CharField(_("deadline"), max_length=12)
    # which run of the deadline: a reopened complaint's new resolve clock is cycle reopen_count
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=0)
    # the object's station, for the escalation rows the sweep writes (no FK: clock sits below the apps)
    station_id = models.BigIntegerField(_("station"))
    policy = models.CharField(_("policy"), max_length=100, blank=True, default="")
    target = models.JSONField(_("target"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"))
    warn_at = models.DateTimeField(_("warning from"), null=True, blank=True)
    provisional = models.BooleanField(_("provisional calendar"), default=False)
    # the clock runs: the object's status runs this deadline (its lifecycle says so) and it is unmet
    running = models.BooleanField(_("running"), default=True)
    # a breach is severe at once (major / forwarded complaints)
    severe_at_once = models.BooleanField(default=False)
    level = models.PositiveSmallIntegerField(_("level reached"), default=0)
    breached = models.BooleanField(_("breached"), default=False)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["subject_type", "subject_id", "cycle", "id"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_id", "kind", "cycle"],
                                    name="clock_deadline_unique"),
        ]
        indexes = [
            # the sweep's three arms (clock/engine.py), each over running rows below a level only:
            # breach: not flagged, deadline passed
            models.Index(fields=["due_at"], name="clock_dl_breach", condition=Q(running=True, breached=False)),
            # warning: not flagged, level 0, warning time passed
            models.Index(fields=["warn_at"], name="clock_dl_warn",
                         condition=Q(running=True, breached=False, level__lt=1)),
            # severe: flagged, level below 3, late (24 h past the deadline, or at once for
            # severe-at-once rows): one tight range per kind of row, not every breach of the last day
            models.Index(fields=["severe_at_once", "due_at"], name="clock_dl_late",
                         condition=Q(running=True, breached=True, level__lt=3)),
        ]

    def __str__(self):
        return f"{self.subject_type}:{self.subject_id} {self.kind}#{self.cycle} due {self.due_at}"


class DeadlineMove(models.Model):
    """One line of a deadline's history: a pause segment, an extension, a reopen, a calendar
    correction. Append-only (on PostgreSQL a trigger refuses UPDATE and DELETE; `Deadline` rows
    are not: the services and the sweep update them); keyed like the deadline (no FK, so a move
    may name a deadline of any kind of object)."""

    subject_type = models.CharField(max_length=20)
    subject_id = models.BigIntegerField()
    kind = models.CharField(max_length=12)
    cycle = models.PositiveSmallIntegerField(default=0)
    at = models.DateTimeField(_("at"))
    what = models.CharField(_("what"), max_length=20)  # pause, extension, reopen, calendar
    old_due_at = models.DateTimeField(null=True, blank=True)
    new_due_at = models.DateTimeField(null=True, blank=True)
    old_warn_at = models.DateTimeField(null=True, blank=True)
    new_warn_at = models.DateTimeField(null=True, blank=True)
    by_id = models.BigIntegerField(null=True, blank=True)
    note = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"], name="clock_move_subject")]
        triggers = append_only()  # UPDATE and DELETE refused by the database (PostgreSQL)

    def __str__(self):
        return f"{self.subject_type}:{self.subject_id} {self.kind}#{self.cycle} {self.what} {self.at}"
