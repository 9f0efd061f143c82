from django.core.management.base import BaseCommand

from customers.delivery import deliver_due


class Command(BaseCommand):
    help = ("Deliver pending notifications once (what the `customers.send_notifications` task does every "
            "minute and after each commit): in-app, e-mail and SMS, with retries and quiet hours.")

    def handle(self, **opts):
        r = deliver_due()
        self.stdout.write(f"sent={r.sent} retried={r.retried} failed={r.failed} deferred={r.deferred}")
