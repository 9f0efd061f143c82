"""A real Celery worker: the request id of a web request is in the log lines of the task it
enqueued, with the user who made the request; the worker logs JSON lines and starts quietly."""

from __future__ import annotations

import json

import pytest

from core.models import Notification
from tests.test_worker import Worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path):
    w = Worker(tmp_path, QUIET_HOURS="")
    yield w
    w.stop()


def json_lines(text: str) -> list[dict]:
    out = []
    for line in text.splitlines():
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def test_a_requests_id_is_in_the_log_line_of_the_task_it_enqueued(worker, api, users):
    worker.start(purge=True)
    body = {"channel": "forwarded", "complainant_name": "李女士", "complainant_phone": "13800001111",
            "category": "service.attitude", "description": "越级投诉：营业厅窗口排队一小时无人办理。"}
    response = api(users["counter"]).post("/api/v1/complaints/", body, format="json",
                                          HTTP_X_REQUEST_ID="req-worker-0001")
    assert response.status_code == 201, response.content
    assert Notification.objects.filter(kind="complaint.forwarded").exists()  # for the leadership group

    def delivered():
        return any(e.get("event") == "delivery" and e.get("request_id") == "req-worker-0001"
                   for e in json_lines(worker.log.read_text()))

    worker.wait_for(delivered, 60, "no delivery log line with the request id")
    line = next(e for e in json_lines(worker.log.read_text())
                if e.get("event") == "delivery" and e.get("request_id") == "req-worker-0001")
    assert line["task_name"] == "customers.send_notifications" and line["task_id"]
    assert line["user_id"] == users["counter"].pk
    assert line["sent"] >= 1
    assert line["timestamp"].endswith("+00:00")
    text = worker.log.read_text()
    assert "No hostname was supplied" not in text
