"""Request ids and access lines; the 503 answer when the database refuses a connection."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import JsonResponse

from . import context

access_log = logging.getLogger("servicecenter.request")
db_log = logging.getLogger("servicecenter.database")

# answered without the database (health reports it in its own JSON)
NO_DATABASE_PATHS = ("/healthz/", "/health/", "/metrics")


class RequestContextMiddleware:
    """Gives each request an id (the caller's `X-Request-ID` when sane, else a new one), answers
    with it in `X-Request-ID`, keeps it (and the user) for the log lines and the tasks the
    request enqueues, and writes one access line per request (method, path, status, duration)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = context.new_request_id(request.headers.get("X-Request-ID"))
        request.request_id = rid
        # kept until the response is closed (request_finished, ops.apps): Django's own line about
        # a 4xx/5xx answer is written after the middleware returns, and names the request too
        context.request_id.set(rid)
        context.current_request.set(request)
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        if not request.path.startswith(("/static/", "/healthz/")):
            access_log.info("%s %s %s", request.method, request.path, response.status_code,
                            extra={"method": request.method, "path": request.path, "status": response.status_code,
                                   "duration_ms": round((time.perf_counter() - started) * 1000, 1)})
        return response


def database_unavailable(request, exc: Exception) -> JsonResponse:
    """503 + Retry-After, one warning line (no traceback): the client may try again shortly."""
    db_log.warning("database unavailable, answered 503: %s: %s", type(exc).__name__, str(exc).strip()[:300],
                   extra={"status_code": 503, "path": request.path})
    response = JsonResponse({"detail": "The service is briefly unavailable (database). Try again shortly.",
                             "code": "database_unavailable"}, status=503)
    response["Retry-After"] = str(getattr(settings, "DATABASE_UNAVAILABLE_RETRY_AFTER", 30))
    return response


def _is_unavailable(exc: BaseException) -> bool:
    """A connection-level failure: refused, reset, too many clients, server restarting, locked."""
    return isinstance(exc, (OperationalError, InterfaceError))


class DatabaseUnavailableMiddleware:
    """When the database refuses a connection (too many clients, a restart, down) the answer is
    503 with `Retry-After`, never a 500 with a traceback. Opens (or re-checks) the connection
    before the rest of the stack runs, and turns a connection failure raised by a view into the
    same answer; `handler500` (ops.views.server_error) covers one raised inside a middleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.skip = (*NO_DATABASE_PATHS, "/" + settings.STATIC_URL.lstrip("/"))

    def __call__(self, request):
        if not request.path.startswith(self.skip):
            try:
                connection.ensure_connection()
            except (OperationalError, InterfaceError) as exc:
                return database_unavailable(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exc):
        if _is_unavailable(exc):
            return database_unavailable(request, exc)
        return None
