"""`/healthz/` (alive, no dependencies) and `/health/` (ready: one JSON entry per check, 503 when
a critical check fails)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.models import Notification
from core.outbox import notify
from ops.models import Heartbeat

from .conftest import closed_port

CHECKS = {"database", "cache", "broker", "sweep", "outbox", "calendar"}


def test_healthz_answers_without_touching_the_database(client):
    # no `db` fixture: any query would raise, and the answer would not be 200
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["X-Request-ID"]


def test_health_is_200_with_one_entry_per_check_when_all_is_well(client, swept):
    response = client.get("/health/")
    body = response.json()
    assert response.status_code == 200, body
    assert set(body["checks"]) == CHECKS
    for name in CHECKS - {"calendar"}:
        assert body["checks"][name]["status"] == "ok", (name, body["checks"][name])
        assert body["checks"][name]["critical"] is True
    assert body["checks"]["calendar"]["critical"] is False
    assert body["checks"]["sweep"]["age_seconds"] < 60
    assert body["checks"]["outbox"]["due"] == 0
    assert response["Cache-Control"].startswith("max-age=0")


def test_health_fails_when_the_sweep_heartbeat_is_older_than_3_minutes(client, swept):
    beat = Heartbeat.objects.get(name="sweep")
    with time_machine.travel(beat.at + timedelta(minutes=2, seconds=50), tick=False):
        assert client.get("/health/").status_code == 200
    with time_machine.travel(beat.at + timedelta(minutes=3, seconds=10), tick=False):
        response = client.get("/health/")
    assert response.status_code == 503
    sweep = response.json()["checks"]["sweep"]
    assert sweep["status"] == "fail" and sweep["age_seconds"] == 190.0 and sweep["limit_seconds"] == 180
    assert response.json()["status"] == "fail"


def test_health_fails_when_the_sweep_never_ran(client, db):
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["sweep"] == {**response.json()["checks"]["sweep"], "status": "fail",
                                                  "message": "the sweep has never run"}


def test_health_fails_when_the_oldest_undelivered_notification_is_older_than_its_limit(client, swept, users,
                                                                                      settings):
    settings.HEALTH_OUTBOX_MAX_AGE = timedelta(minutes=15)
    notify(recipients=[users["manager"]], kind="test", dedupe_key="old", subject="抢修通知", channels=["sms"],
           urgent=True)
    row = Notification.objects.get(dedupe_key="old")
    assert client.get("/health/").status_code == 200  # due just now

    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=16))
    response = client.get("/health/")
    assert response.status_code == 503
    outbox = response.json()["checks"]["outbox"]
    assert outbox["status"] == "fail" and outbox["due"] == 1
    assert 16 * 60 <= outbox["oldest_age_seconds"] < 17 * 60

    # a row waiting for the end of quiet hours (or backing off) is not late
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() + timedelta(hours=8))
    assert client.get("/health/").status_code == 200


def test_health_fails_when_the_broker_is_unreachable(client, swept, monkeypatch):
    port = closed_port()
    # Celery reads CELERY_BROKER_URL from the environment before its configuration
    monkeypatch.setenv("CELERY_BROKER_URL", f"redis://127.0.0.1:{port}/0")
    response = client.get("/health/")
    assert response.status_code == 503
    broker = response.json()["checks"]["broker"]
    assert broker["status"] == "fail" and broker["message"].startswith("broker unreachable")
    assert broker["duration_ms"] < 5000
    assert response.json()["checks"]["database"]["status"] == "ok"


def test_a_short_work_calendar_warns_without_failing(client, swept, settings):
    settings.HEALTH_CALENDAR_MIN_DAYS = 100_000
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "warning"
    assert response.json()["checks"]["calendar"]["status"] == "warning"


@pytest.mark.django_db(transaction=True)
def test_a_refused_database_connection_answers_503_with_retry_after(client, users):
    from django.db import connection

    client.force_login(users["manager"])
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-dir/refused.sqlite3"
    else:
        connection.settings_dict["PORT"] = str(closed_port())
    try:
        page = client.get("/complaints/")
        api = client.get("/api/v1/complaints/")
        health = client.get("/health/")
        alive = client.get("/healthz/")
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    for response in (page, api):
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert response.json()["code"] == "database_unavailable"
        assert b"Traceback" not in response.content
    assert health.status_code == 503 and health.json()["checks"]["database"]["status"] == "fail"
    assert alive.status_code == 200
    assert client.get("/complaints/").status_code == 200  # back once the database answers


class RefusingSessionMiddleware:
    """Stands for a middleware whose query meets a refused connection (outside any view)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import OperationalError

        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def test_a_connection_refused_inside_a_middleware_answers_503_too(db, settings):
    from django.test import Client

    index = settings.MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")
    settings.MIDDLEWARE = [*settings.MIDDLEWARE[:index], "tests.ops.test_health.RefusingSessionMiddleware",
                           *settings.MIDDLEWARE[index:]]
    response = Client(raise_request_exception=False).get("/complaints/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["code"] == "database_unavailable"
