"""`/metrics`: the process's own metrics plus figures read from the database at scrape time.

- Requests, latencies, database queries: django-prometheus (middleware and database wrapper),
  in the memory of the web process that answers; with several gunicorn workers set
  PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py clears it at start and marks dead workers) so one
  scrape sums every worker of the host.
- Whatever Celery workers do (the sweep, delivery, task outcomes) is read from the database at
  scrape time: heartbeats and cumulative counters (ops.models) and the outbox itself. A worker's
  memory is never scraped, so the figures are the same whichever web process or host answers,
  and survive restarts.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime, time, timedelta

import prometheus_client
from django.db import Error as DatabaseError
from django.db.models import Count, Min, Q
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, SummaryMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

log = logging.getLogger("ops.metrics")

PREFIX = "servicecenter"


def _counters(metric: str) -> dict[str, float]:
    from .models import Counter

    return dict(Counter.objects.filter(metric=metric).values_list("key", "value"))


class DatabaseCollector(Collector):
    """Figures of the background work, from the database, at scrape time."""

    def collect(self):
        up = GaugeMetricFamily(f"{PREFIX}_database_up", "1 when the scrape could read the database")
        try:
            families = list(self._families())
        except DatabaseError as exc:
            log.warning("metrics: database unavailable (%s)", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self):
        from .models import Heartbeat
        from .records import SWEEP

        now = timezone.now()
        # the sweep
        beat = Heartbeat.objects.filter(name=SWEEP).first()
        last = GaugeMetricFamily(f"{PREFIX}_sweep_last_run_timestamp_seconds",
                                 "When the SLA sweep last finished (Unix time)")
        last_duration = GaugeMetricFamily(f"{PREFIX}_sweep_last_duration_seconds", "Duration of the last sweep")
        if beat is not None:
            last.add_metric([], beat.at.timestamp())
            last_duration.add_metric([], beat.duration)
        yield last
        yield last_duration
        sweep = _counters("sweep")
        summary = SummaryMetricFamily(f"{PREFIX}_sweep_duration_seconds", "Duration of the SLA sweeps")
        summary.add_metric([], count_value=sweep.get("runs", 0), sum_value=sweep.get("seconds", 0.0))
        yield summary

        escalations = CounterMetricFamily(f"{PREFIX}_escalations", "Escalations written by the sweep",
                                          labels=["subject", "deadline", "level"])
        for key, value in sorted(_counters("escalations").items()):
            subject, deadline, level = (key.split(".") + ["", "", ""])[:3]
            escalations.add_metric([subject, deadline, level.removeprefix("L")], value)
        yield escalations
        breaches = CounterMetricFamily(f"{PREFIX}_deadline_breaches", "Deadlines the sweep found crossed unmet",
                                       labels=["subject", "deadline"])
        for key, value in sorted(_counters("breaches").items()):
            subject, deadline = (key.split(".") + ["", ""])[:2]
            breaches.add_metric([subject, deadline], value)
        yield breaches

        # the outbox
        yield from self._outbox(now)
        delivered = CounterMetricFamily(f"{PREFIX}_notifications", "Notification delivery attempts by outcome",
                                        labels=["outcome"])
        for outcome, value in sorted(_counters("notifications").items()):
            delivered.add_metric([outcome], value)
        yield delivered

        # Celery task outcomes
        tasks = CounterMetricFamily(f"{PREFIX}_celery_tasks", "Celery tasks finished, by task and outcome",
                                    labels=["task", "outcome"])
        for key, value in sorted(_counters("celery_task").items()):
            name, _sep, outcome = key.rpartition("|")
            tasks.add_metric([name, outcome], value)
        yield tasks

        yield from self._orders(now)

        from .checks import calendar_days_ahead

        days = calendar_days_ahead(timezone.localdate(now))
        calendar = GaugeMetricFamily(f"{PREFIX}_work_calendar_days_ahead",
                                     "Days ahead for which the official work calendar is known")
        if days is not None:
            calendar.add_metric([], days)
        yield calendar

    def _outbox(self, now: datetime):
        from core.delivery import lease
        from core.models import Notification

        backlog = GaugeMetricFamily(f"{PREFIX}_outbox_backlog", "Undelivered notifications (pending or being sent)",
                                    labels=["channel", "status"])
        rows = (Notification.objects.filter(status__in=["pending", "sending"])
                .values("channel", "status").annotate(n=Count("id")).order_by())
        for row in rows:
            backlog.add_metric([row["channel"], row["status"]], row["n"])
        yield backlog
        oldest = GaugeMetricFamily(f"{PREFIX}_outbox_oldest_due_age_seconds",
                                   "How long the oldest due, undelivered notification has waited", labels=["channel"])
        due = (Notification.objects.filter(Q(status="pending") & (Q(next_attempt_at__lte=now)
                                                                 | Q(next_attempt_at__isnull=True)))
               .values("channel").annotate(since=Min("next_attempt_at")).order_by())
        ages = {row["channel"]: (now - row["since"]).total_seconds() for row in due if row["since"]}
        stuck = (Notification.objects.filter(status="sending", claimed_at__lte=now - lease())
                 .values("channel").annotate(since=Min("claimed_at")).order_by())
        for row in stuck:
            age = (now - row["since"] - lease()).total_seconds()
            ages[row["channel"]] = max(ages.get(row["channel"], 0.0), age)
        for channel, age in sorted(ages.items()):
            oldest.add_metric([channel], max(age, 0.0))
        yield oldest

    def _orders(self, now: datetime):
        """Orders taken since local midnight, per kind (complaints by received time, work orders
        by creation; both read through their time indexes)."""
        from complaints.models import Complaint
        from workorders.models import WorkOrder

        local = timezone.localtime(now)
        midnight = timezone.make_aware(datetime.combine(local.date(), time.min), local.tzinfo)
        taken = GaugeMetricFamily(f"{PREFIX}_orders_taken_today", "Orders taken since local midnight, per kind",
                                  labels=["kind"])
        taken.add_metric(["complaint"], Complaint.objects.filter(received_at__gte=midnight,
                                                                 received_at__lt=midnight + timedelta(days=1)).count())
        for row in (WorkOrder.objects.filter(created_at__gte=midnight).values("kind")
                    .annotate(n=Count("id")).order_by("kind")):
            taken.add_metric([f"workorder.{row['kind']}"], row["n"])
        yield taken


_database_registry = CollectorRegistry(auto_describe=False)
_database_registry.register(DatabaseCollector())


def process_registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return prometheus_client.REGISTRY


def render() -> tuple[bytes, str]:
    body = prometheus_client.generate_latest(process_registry()) + prometheus_client.generate_latest(_database_registry)
    return body, prometheus_client.CONTENT_TYPE_LATEST
