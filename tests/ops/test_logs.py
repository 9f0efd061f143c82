"""JSON lines through the configured console handler: a sweep's counts as fields, request ids,
the user, UTC timestamps, no traceback for an ordinary 403/404."""

from __future__ import annotations

import io
import json
import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from tests.complaints.factories import ComplaintFactory


@pytest.fixture
def console():
    """The lines the configured console handler writes (settings.LOGGING) while the test runs."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    old = handler.setStream(stream)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    yield lines
    handler.setStream(old)


def test_logging_is_json_lines_in_utc_by_default():
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"


def test_a_sweep_log_line_parses_as_json_and_carries_the_counts(console, users, station):
    from complaints.tasks import enforce_sla

    now = timezone.now()
    ComplaintFactory(station=station, handler=users["handler"], received_at=now - timedelta(hours=30),
                     ack_due_at=now - timedelta(hours=6), ack_warn_at=now - timedelta(hours=12))
    enforce_sla()
    line = next(entry for entry in console() if entry.get("event") == "sweep")
    assert line["logger"] == "ops.records" and line["level"] == "INFO"
    assert line["escalations"] == 2
    assert line["counts"] == {"complaint.ack.L1": 1, "complaint.ack.L2": 1}
    assert line["breached"] == {"complaint.ack": 1}
    assert line["duration_ms"] > 0 and line["queries"] > 0
    assert line["timestamp"].endswith("+00:00")


def test_a_delivery_log_line_carries_its_counts(console, users):
    from core.outbox import notify
    from core.tasks import send_notifications

    notify(recipients=[users["manager"]], kind="test", dedupe_key="d1", subject="x")
    send_notifications()
    line = next(entry for entry in console() if entry.get("event") == "delivery")
    assert line["sent"] == 1 and line["failed"] == 0 and "duration_ms" in line


def test_each_request_has_an_id_and_an_access_line_with_the_user(console, client, users):
    client.force_login(users["manager"])
    response = client.get("/complaints/", HTTP_X_REQUEST_ID="req-0042")
    assert response.status_code == 200 and response["X-Request-ID"] == "req-0042"
    access = [e for e in console() if e["logger"] == "servicecenter.request"]
    assert access[-1]["request_id"] == "req-0042" and access[-1]["status"] == 200
    assert access[-1]["user_id"] == users["manager"].pk and access[-1]["path"] == "/complaints/"
    # an unusable id from outside is replaced
    assert client.get("/complaints/", HTTP_X_REQUEST_ID="bad id\n").headers["X-Request-ID"] != "bad id\n"


def test_an_ordinary_404_and_403_log_one_line_without_a_traceback(console, client, api, users):
    client.force_login(users["crew"])
    assert client.get("/complaints/NOPE-404/").status_code == 404
    assert client.get("/counter/").status_code == 403  # PermissionDenied raised by the view
    assert api(users["crew"]).get("/api/v1/grading/runs/").status_code in (403, 404)
    warnings = [e for e in console() if e["logger"] == "django.request"]
    assert {e["status_code"] for e in warnings} >= {403, 404}
    for entry in console():
        assert "exc_info" not in entry, entry
