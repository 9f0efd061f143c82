"""The checks of `/health/`: django-health-check's `Database` and `Cache`, and the product's own
checks written on its `HealthCheck` base (a check raises `ServiceUnavailable` when it fails,
`ServiceWarning` when it degrades). Each check may set `details` for the JSON answer.

| name      | critical | fails when |
|-----------|----------|------------|
| database  | yes | `SELECT 1` fails |
| cache     | yes | a value set cannot be read back |
| broker    | yes | the Celery broker does not accept a connection (2 s) |
| sweep     | yes | no `sweep` heartbeat in the last HEALTH_SWEEP_MAX_AGE (3 minutes) |
| outbox    | yes | the oldest due, undelivered notification waits longer than HEALTH_OUTBOX_MAX_AGE |
| calendar  | no  | the work calendar is known less than HEALTH_CALENDAR_MIN_DAYS ahead (warning) |
"""

from __future__ import annotations

import dataclasses
import datetime
import os
from datetime import timedelta

from django.conf import settings
from django.db import Error as DatabaseError
from django.db.models import Min, Q
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.exceptions import ServiceUnavailable, ServiceWarning


def sweep_max_age() -> timedelta:
    return getattr(settings, "HEALTH_SWEEP_MAX_AGE", timedelta(minutes=3))


def outbox_max_age() -> timedelta:
    return getattr(settings, "HEALTH_OUTBOX_MAX_AGE", timedelta(minutes=15))


def calendar_min_days() -> int:
    return getattr(settings, "HEALTH_CALENDAR_MIN_DAYS", 60)


def _database_error(exc: Exception) -> ServiceUnavailable:
    return ServiceUnavailable(f"database unavailable ({type(exc).__name__})")


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (Redis: connect and PING; the file-system broker:
    its folders exist and are writable)."""

    timeout = datetime.timedelta(seconds=3)

    def run(self):
        from servicecenter.celery import app

        url = app.conf.broker_url or ""
        self.details = {"transport": url.split("://", 1)[0]}
        if url.startswith("filesystem://"):
            options = app.conf.broker_transport_options or {}
            folders = [options.get(k) for k in ("data_folder_in", "data_folder_out", "processed_folder")]
            bad = [f for f in folders if f and not os.access(f, os.W_OK)]
            if bad:
                raise ServiceUnavailable(f"broker folder not writable: {bad[0]}")
            return
        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        except Exception as exc:  # noqa: BLE001 - any failure to connect is "unreachable"
            raise ServiceUnavailable(f"broker unreachable ({type(exc).__name__})") from exc


@dataclasses.dataclass
class SweepHeartbeat(HealthCheck):
    """The SLA sweep finished within the last HEALTH_SWEEP_MAX_AGE (its task writes the
    `sweep` heartbeat after each run, see ops.records)."""

    def run(self):
        from .models import Heartbeat
        from .records import SWEEP

        limit = sweep_max_age()
        self.details = {"limit_seconds": int(limit.total_seconds())}
        try:
            beat = Heartbeat.objects.filter(name=SWEEP).first()
        except DatabaseError as exc:
            raise _database_error(exc) from exc
        if beat is None:
            raise ServiceUnavailable("the sweep has never run")
        age = timezone.now() - beat.at
        self.details.update(last_run=beat.at.isoformat(), age_seconds=round(age.total_seconds(), 1),
                            duration_ms=round(beat.duration * 1000, 1))
        if age > limit:
            raise ServiceUnavailable(f"the sweep last ran {int(age.total_seconds())} s ago "
                                     f"(limit {int(limit.total_seconds())} s)")


def oldest_due(now: datetime.datetime) -> dict:
    """The undelivered notifications due now: how many, and since when the oldest waits.
    A pending row waits from `next_attempt_at` (a row deferred to the morning by quiet hours, or
    backing off after a failure, is not due yet); a `sending` row whose lease ran out (its
    worker died) waits from the end of its lease."""
    from core.delivery import lease
    from core.models import Notification

    pending = Notification.objects.filter(status="pending").filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True))
    stuck = Notification.objects.filter(status="sending", claimed_at__lte=now - lease())
    since = [pending.aggregate(m=Min("next_attempt_at"))["m"]]
    stuck_since = stuck.aggregate(m=Min("claimed_at"))["m"]
    if stuck_since is not None:
        since.append(stuck_since + lease())
    since = [s for s in since if s is not None]
    return {"due": pending.count() + stuck.count(), "since": min(since) if since else None}


@dataclasses.dataclass
class OutboxAge(HealthCheck):
    """The oldest due, undelivered notification waits less than HEALTH_OUTBOX_MAX_AGE. It grows
    when no worker delivers (broker down, workers stopped) or a backend keeps failing."""

    def run(self):
        now = timezone.now()
        limit = outbox_max_age()
        self.details = {"limit_seconds": int(limit.total_seconds())}
        try:
            backlog = oldest_due(now)
        except DatabaseError as exc:
            raise _database_error(exc) from exc
        age = (now - backlog["since"]).total_seconds() if backlog["since"] else 0.0
        self.details.update(due=backlog["due"], oldest_age_seconds=round(max(age, 0.0), 1))
        if age > limit.total_seconds():
            raise ServiceUnavailable(f"the oldest undelivered notification waits {int(age)} s "
                                     f"(limit {int(limit.total_seconds())} s)")


def calendar_days_ahead(today: datetime.date) -> int | None:
    from core.calendar import get_calendar

    until = get_calendar().known_until
    return None if until is None else (until - today).days


@dataclasses.dataclass
class CalendarCoverage(HealthCheck):
    """The official work calendar (holidays, 调休) is known at least HEALTH_CALENDAR_MIN_DAYS
    ahead. A warning only: past the known year deadlines count weekends and fixed holidays."""

    def run(self):
        minimum = calendar_min_days()
        self.details = {"min_days": minimum}
        try:
            days = calendar_days_ahead(timezone.localdate())
        except DatabaseError as exc:
            raise _database_error(exc) from exc
        self.details["days_ahead"] = days
        if days is None:
            raise ServiceWarning("no work calendar is loaded (manage.py seed_calendar)")
        if days < minimum:
            raise ServiceWarning(f"the work calendar is known {days} days ahead (want {minimum}): "
                                 "enter the next year's holidays in admin")


# (name, factory, critical): the order of the JSON answer
CHECKS = [
    ("database", Database, True),
    ("cache", Cache, True),
    ("broker", Broker, True),
    ("sweep", SweepHeartbeat, True),
    ("outbox", OutboxAge, True),
    ("calendar", CalendarCoverage, False),
]
