"""Heartbeats and cumulative counters written by the task wrappers (never inside the sweep's or
delivery's own SQL), and the structured log line of each run.

- `record_sweep(result)`: called by the `complaints.enforce_sla` task and `manage.py enforce_sla`
  after a sweep: the `sweep` heartbeat (what `/health/` checks), the escalation and breach
  counters per deadline source and level, the run count and seconds (what `/metrics` shows),
  and one JSON log line with the counts and the duration.
- `record_delivery(result, duration)`: the same for a delivery run of the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

log = logging.getLogger("ops.records")

SWEEP = "sweep"


def add(increments: Iterable[tuple[str, str, float]]) -> None:
    """Add to counters in ONE upsert: [(metric, key, amount), ...] (zeros are skipped)."""
    rows = [(metric, key, float(amount)) for metric, key, amount in increments if amount]
    if not rows:
        return
    from .models import Counter

    qn = connection.ops.quote_name
    table = qn(Counter._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    params = [p for metric, key, amount in rows for p in (metric, key, amount, now)]
    sql = (f"INSERT INTO {table} ({qn('metric')}, {qn('key')}, {qn('value')}, {qn('updated_at')}) VALUES {values} "
           f"ON CONFLICT ({qn('metric')}, {qn('key')}) DO UPDATE SET "
           f"{qn('value')} = {table}.{qn('value')} + EXCLUDED.{qn('value')}, "
           f"{qn('updated_at')} = EXCLUDED.{qn('updated_at')}")
    with connection.cursor() as cur:
        cur.execute(sql, params)


def beat(name: str, *, duration: float = 0.0, data: dict | None = None) -> None:
    """Record that the periodic job `name` just finished (wall-clock time)."""
    from .models import Heartbeat

    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now(), "duration": duration,
                                                            "data": data or {}})


def sweep_fields(result) -> dict:
    """The sweep's figures as log fields (from complaints.sweep.SweepResult)."""
    return {"escalations": result.total,
            "counts": {k: v for k, v in result.counts.items() if v},
            "breached": {k: v for k, v in result.breached.items() if v},
            "notifications": result.notifications,
            "duration_ms": round(result.duration * 1000, 1),
            "queries": result.queries,
            "as_of": result.now.isoformat() if result.now else None}


def record_sweep(result) -> None:
    """After a sweep: heartbeat, counters, one log line. A failure here is logged, never raised
    (the sweep's own transaction has committed; the next run writes the heartbeat again)."""
    fields = sweep_fields(result)
    try:
        with transaction.atomic():
            beat(SWEEP, duration=result.duration, data=fields)
            add([("sweep", "runs", 1), ("sweep", "seconds", result.duration),
                 *(("escalations", key, n) for key, n in result.counts.items()),
                 *(("breaches", key, n) for key, n in result.breached.items())])
    except Exception as exc:  # noqa: BLE001 - monitoring must not fail the sweep
        log.warning("sweep heartbeat not written (%s: %s)", type(exc).__name__, exc)
    log.info("sweep ran: %s escalations in %.1f ms", fields["escalations"], fields["duration_ms"],
             extra={"event": "sweep", **fields})


def record_delivery(result, duration: float) -> None:
    """After a delivery run of the outbox: counters and, when it did something, one log line."""
    fields = {"sent": result.sent, "retried": result.retried, "failed": result.failed,
              "deferred": result.deferred, "duration_ms": round(duration * 1000, 1)}
    try:
        add([("delivery", "runs", 1), ("delivery", "seconds", duration),
             *(("notifications", outcome, fields[outcome]) for outcome in ("sent", "retried", "failed", "deferred"))])
    except Exception as exc:  # noqa: BLE001
        log.warning("delivery counters not written (%s: %s)", type(exc).__name__, exc)
    level = logging.INFO if (result.sent or result.retried or result.failed or result.deferred) else logging.DEBUG
    log.log(level, "delivery ran: %s sent, %s retried, %s failed in %.1f ms", result.sent, result.retried,
            result.failed, fields["duration_ms"], extra={"event": "delivery", **fields})
