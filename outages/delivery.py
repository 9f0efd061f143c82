"""Sending one customer SMS (core.delivery claims, retries and marks the rows)."""

from __future__ import annotations

from core.delivery import PermanentError
from core.sms import get_backend


def send_customer_sms(row) -> None:
    """Through the configured SMS backend (settings.SMS_BACKEND: core.sms console or file backend
    in demos and tests); the gateway's idempotency key is stable per row, so a worker killed after
    sending and before recording is not a second message at a real gateway."""
    if not row.phone:
        raise PermanentError("customer has no phone number")
    get_backend().send(phone=row.phone, text=row.text, idempotency_key=f"outage-sms-{row.pk}")
