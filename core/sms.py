"""Pluggable SMS backends (settings.SMS_BACKEND, a dotted path).

A backend is a class with `send(*, phone, text, idempotency_key) -> None` that raises on failure.
`idempotency_key` is stable per notification ("notification-<id>"): real SMS gateways accept a
client message id and drop a repeat, which closes the at-least-once window of a worker killed
after sending but before recording it (see docs/sla.md).
"""

from __future__ import annotations

import logging
import os
import time
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("core.sms")


class SmsError(Exception):
    """The gateway refused or failed: the delivery is retried with backoff."""


class BaseSmsBackend:
    def send(self, *, phone: str, text: str, idempotency_key: str) -> None:  # pragma: no cover
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Default: writes the message to the log (development, demos)."""

    def send(self, *, phone: str, text: str, idempotency_key: str) -> None:
        log.info("SMS to %s [%s]: %s", phone, idempotency_key, text)


class FileSmsBackend(BaseSmsBackend):
    """Appends one line per message sent to SMS_FILE (default VAR_DIR/sms.log), so a test can
    count deliveries. SMS_DELAY (seconds, float) sleeps before sending: the worker tests kill the
    process in that sleep, i.e. in the middle of a delivery.
    """

    def __init__(self):
        self.path = os.environ.get("SMS_FILE") or str(settings.VAR_DIR / "sms.log")
        self.delay = float(os.environ.get("SMS_DELAY", "0") or 0)

    def send(self, *, phone: str, text: str, idempotency_key: str) -> None:
        if self.delay:
            time.sleep(self.delay)
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(f"{idempotency_key}\t{phone}\t{text.replace(chr(10), ' ')}\n")
            fh.flush()
            os.fsync(fh.fileno())


class FailingSmsBackend(BaseSmsBackend):
    """Always fails (tests of retry and give-up)."""

    def send(self, *, phone: str, text: str, idempotency_key: str) -> None:
        raise SmsError("gateway unavailable")


@lru_cache(maxsize=4)
def _backend_class(path: str):
    return import_string(path)


def get_backend() -> BaseSmsBackend:
    return _backend_class(settings.SMS_BACKEND)()
