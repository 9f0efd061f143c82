"""The JSON-lines log format: one JSON object per line, timestamps in UTC (ISO 8601)."""

from __future__ import annotations

import logging
import time

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter


class JsonFormatter(_JsonFormatter):
    """python-json-logger's formatter with our field names: `timestamp` (UTC), `level`,
    `logger`, `message`, then `request_id`, `user_id`, `task_name`, `task_id` and whatever the
    call passed in `extra` (the sweep's counts, the delivery's figures, a request's status)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s")
        kwargs.setdefault("timestamp", True)
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("json_ensure_ascii", False)
        # Django's request log records carry the request object and a server_time string
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "server_time", "color_message"])
        super().__init__(*args, **kwargs)


class PlainFormatter(logging.Formatter):
    """One readable line (LOG_FORMAT=plain), in UTC like the JSON lines."""

    converter = time.gmtime

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        super().__init__(*args, **kwargs)

    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"
