import json

from django.core.management.base import BaseCommand

from ops.views import run_checks


class Command(BaseCommand):
    help = ("Run the checks of /health/ (database, cache, broker, sweep heartbeat, outbox age, calendar) and "
            "print them as JSON; exit status 1 when a critical check fails (compose health checks of the "
            "worker and beat use it).")

    def handle(self, **opts):
        healthy, results = run_checks()
        self.stdout.write(json.dumps({"status": "ok" if healthy else "fail", "checks": results}, ensure_ascii=False))
        if not healthy:
            raise SystemExit(1)
