"""`/healthz/` (alive), `/health/` (ready, one entry per check), `/metrics` (Prometheus), and the
500 handler that answers a database outage with 503."""

from __future__ import annotations

import inspect
import ipaddress
import logging
import sys
import time

from asgiref.sync import async_to_sync
from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.views.decorators.cache import never_cache
from health_check.exceptions import HealthCheckException, ServiceWarning

from .checks import CHECKS

log = logging.getLogger("ops.health")


@never_cache
def healthz(request):
    """Alive: the process answers. No database, no broker (a load balancer's liveness probe)."""
    return JsonResponse({"status": "ok"})


def run_checks() -> tuple[bool, dict]:
    """Run every check in this thread (the request's own database connection: the library's
    async view would open one per executor thread, outside the request's bounded pool)."""
    results, healthy = {}, True
    for name, factory, critical in CHECKS:
        check = factory()
        started = time.perf_counter()
        status, message = "ok", None
        try:
            if inspect.iscoroutinefunction(check.run):
                async_to_sync(check.run)()
            else:
                check.run()
        except ServiceWarning as exc:
            status, message = "warning", exc.message
        except HealthCheckException as exc:
            status, message = "fail", exc.message
        except Exception as exc:  # noqa: BLE001 - an unexpected error is a failure, logged once
            log.warning("health check %s raised %s: %s", name, type(exc).__name__, exc)
            status, message = "fail", f"unexpected error ({type(exc).__name__})"
        entry = {"status": status, "critical": critical,
                 "duration_ms": round((time.perf_counter() - started) * 1000, 1)}
        if message:
            entry["message"] = str(message)
        entry.update(getattr(check, "details", None) or {})
        results[name] = entry
        if critical and status == "fail":
            healthy = False
    return healthy, results


@never_cache
def health(request):
    """Ready: 200 when every critical check passes, 503 otherwise; JSON with one entry per check."""
    healthy, results = run_checks()
    warnings = any(r["status"] != "ok" for r in results.values())
    body = {"status": "ok" if healthy and not warnings else ("warning" if healthy else "fail"), "checks": results}
    response = JsonResponse(body, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})
    if not healthy:
        response["Retry-After"] = "30"
        log.warning("health: %s", ", ".join(f"{k} {v['status']}" for k, v in results.items() if v["status"] != "ok"),
                    extra={"checks": {k: v["status"] for k, v in results.items()}})
    return response


def _allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in getattr(settings, "METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"]):
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


@never_cache
def metrics(request):
    """Prometheus text format, for the addresses in METRICS_ALLOWED_IPS only (REMOTE_ADDR, not a
    forwarded header: scrape the application directly, not through the public proxy)."""
    if not _allowed(request.META.get("REMOTE_ADDR", "")):
        return HttpResponseForbidden("metrics are not served to this address\n", content_type="text/plain")
    from .metrics import render

    body, content_type = render()
    return HttpResponse(body, content_type=content_type)


def server_error(request, *args, **kwargs):
    """handler500: a database connection failure raised inside a middleware (outside the view,
    where DatabaseUnavailableMiddleware cannot see it) still answers 503 with Retry-After."""
    from .middleware import _is_unavailable, database_unavailable

    exc = sys.exc_info()[1]
    if exc is not None and _is_unavailable(exc):
        return database_unavailable(request, exc)
    from django.views.defaults import server_error as default

    return default(request, *args, **kwargs)
