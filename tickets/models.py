"""`Ticket`: the orders of every kind (SPEC §11), the same table as complaints.Complaint.

`Complaint.objects` shows the `complaint` kind only (so /complaints/ and /api/v1/complaints/ are
what they were); `Ticket.objects` shows every kind. The kinds themselves are declared in
complaints/kinds.py.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint


class Ticket(Complaint):
    """An order (工单) of any kind: complaint, report, opinion, suggestion, enquiry, praise,
    service request or repair call."""

    objects = models.Manager()

    class Meta:
        proxy = True
        ordering = ["-received_at", "-id"]
        verbose_name = _("order of any kind")
        verbose_name_plural = _("orders of any kind")

    def __str__(self):
        return self.number
