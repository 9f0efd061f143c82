from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutagesConfig(AppConfig):
    name = "outages"
    verbose_name = _("Outages")

    def ready(self):
        from django.db.models import Q

        from core.delivery import Outbox
        from core.registry import intake_notices, labels, order_taken, outboxes

        from . import (
            lifecycle,  # noqa: F401  (registers OUTAGE with the clock engine)
            sweep,  # noqa: F401  (registers the notice deadline with the SLA sweep)
        )
        from .delivery import send_customer_sms
        from .models import CustomerSms
        from .selectors import intake_notice
        from .services import link_taken_order

        # the customers' SMS: delivered by core.delivery; urgent rows (fault, power off, restore)
        # go during quiet hours too, notices wait for the morning
        outboxes.register("outages.customer_sms", Outbox(name="customer_sms", model=CustomerSms,
                                                         send=send_customer_sms, quiet_exempt=Q(urgent=True)))
        intake_notices.register("outage", intake_notice, order=10)
        order_taken.register("outage", link_taken_order, order=10)
        labels.register("subject:outage", _("Outage"))
        labels.register("deadline:notice", _("Outage notice"))
