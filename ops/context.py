"""The request id, the user and the task of the current request or task, for log lines.

The web request sets them (ops.middleware.RequestContextMiddleware); a task published while
they are set carries them in its message headers, and the worker sets them again around the
task (ops.celery_signals). `LogContextFilter` adds them to every log record.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from django.utils.functional import SimpleLazyObject, empty

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
user_id: ContextVar[int | None] = ContextVar("user_id", default=None)
current_request: ContextVar[object | None] = ContextVar("current_request", default=None)
task: ContextVar[dict | None] = ContextVar("task", default=None)

_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def new_request_id(incoming: str | None = None) -> str:
    """The id of a request: the caller's X-Request-ID when it is a sane token, else a new one."""
    if incoming and _VALID_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


def current_user_id() -> int | None:
    """The signed-in user of the current request (only if something already looked the user up:
    a log line never costs a query), or the user the current task was enqueued by."""
    req = current_request.get()
    if req is not None:
        user = req.__dict__.get("user")
        if isinstance(user, SimpleLazyObject):
            user = None if user._wrapped is empty else user._wrapped
        pk = getattr(user, "pk", None)
        if pk is not None:
            return pk
    return user_id.get()


class LogContextFilter(logging.Filter):
    """Adds `request_id`, `user_id` and (in a worker) `task_name` / `task_id` to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        if getattr(record, "user_id", None) is None:
            record.user_id = current_user_id()
        current_task = task.get()
        if current_task:
            record.task_name = current_task.get("name")
            record.task_id = current_task.get("id")
        return True


class QuietClientErrorFilter(logging.Filter):
    """An ordinary 4xx (403 outside scope, 404) is one warning line, never a traceback; a
    database outage answered 503 is one line too (ops.middleware)."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and (400 <= status < 500 or status == 503):
            record.exc_info = None
            record.exc_text = None
        return True


def clear(**kwargs) -> None:
    """request_finished: the request's id and user no longer apply to this thread."""
    request_id.set(None)
    current_request.set(None)
