import time

from django.core.management.base import BaseCommand

from core.delivery import deliver_due
from ops.records import record_delivery


class Command(BaseCommand):
    help = ("Deliver pending notifications once (what the `customers.send_notifications` task does every "
            "minute and after each commit): in-app, e-mail and SMS, with retries and quiet hours.")

    def handle(self, **opts):
        started = time.perf_counter()
        r = deliver_due()
        record_delivery(r, time.perf_counter() - started)
        self.stdout.write(f"sent={r.sent} retried={r.retried} failed={r.failed} deferred={r.deferred}")
