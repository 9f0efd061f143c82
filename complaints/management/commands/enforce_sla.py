import json

from django.core.management.base import BaseCommand
from django.utils.dateparse import parse_datetime

from complaints.sweep import enforce_sla
from ops.records import record_sweep


class Command(BaseCommand):
    help = ("Run the SLA sweep once (what the `complaints.enforce_sla` beat task does every minute): "
            "raise warning / breached / severe escalations for every open deadline that crossed a level.")

    # run every minute (cron, the catch-up after downtime): the system checks belong to deploys and
    # CI (`manage.py check --deploy`), not to each sweep (they import every URL conf: ~0.35 s)
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--now", help="sweep as of this ISO time (default: now)")

    def handle(self, now=None, **opts):
        at = parse_datetime(now) if now else None
        if now and at is None:
            raise SystemExit(f"--now: not an ISO date-time: {now!r}")
        result = enforce_sla(now=at)
        record_sweep(result)  # the same heartbeat and counters as the beat task
        self.stdout.write(json.dumps(result.as_log(), ensure_ascii=False, sort_keys=True, default=str))
