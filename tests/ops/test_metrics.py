"""`/metrics`: Prometheus text for allowed addresses only; the background work's figures come
from the database (whichever process wrote them)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from core.models import Notification
from core.outbox import notify
from tests.complaints.factories import ComplaintFactory


def samples(text: str) -> dict[tuple, float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_metrics_answer_the_allowed_address_and_refuse_another(client, db, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1", "192.0.2.0/24"]
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 200
    refused = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 403
    assert b"servicecenter_" not in refused.content


def test_metrics_show_requests_queries_sweep_escalations_outbox_orders_and_tasks(client, users, station):
    from complaints.tasks import enforce_sla
    from ops.records import add

    now = timezone.now()
    ComplaintFactory(station=station, handler=users["handler"], received_at=now - timedelta(hours=30),
                     ack_due_at=now - timedelta(hours=6), ack_warn_at=now - timedelta(hours=12))
    enforce_sla()
    notify(recipients=[users["manager"]], kind="test", dedupe_key="m1", subject="x", channels=["sms"], urgent=True)
    Notification.objects.filter(dedupe_key="m1").update(next_attempt_at=now - timedelta(minutes=5))
    add([("celery_task", "complaints.enforce_sla|success", 2)])  # what a worker's task_success leaves
    client.get("/healthz/")

    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    m = samples(response.content.decode())
    assert m[("servicecenter_database_up", ())] == 1
    assert m[("servicecenter_sweep_duration_seconds_count", ())] == 1
    assert m[("servicecenter_sweep_duration_seconds_sum", ())] > 0
    assert m[("servicecenter_sweep_last_run_timestamp_seconds", ())] > now.timestamp() - 60
    esc = (("deadline", "ack"), ("subject", "complaint"))
    assert m[("servicecenter_escalations_total", (*esc[:1], ("level", "1"), esc[1]))] == 1
    assert m[("servicecenter_escalations_total", (*esc[:1], ("level", "2"), esc[1]))] == 1
    assert m[("servicecenter_deadline_breaches_total", esc)] == 1
    assert m[("servicecenter_outbox_backlog", (("channel", "sms"), ("status", "pending")))] == 1
    assert 295 <= m[("servicecenter_outbox_oldest_due_age_seconds", (("channel", "sms"),))] < 400
    assert m[("servicecenter_orders_taken_today", (("kind", "complaint"),))] >= 0
    assert m[("servicecenter_celery_tasks_total", (("outcome", "success"), ("task", "complaints.enforce_sla")))] == 2
    assert "# TYPE servicecenter_work_calendar_days_ahead gauge" in response.content.decode()
    # the process's own: requests and latencies, database queries (django-prometheus)
    assert any(name == "django_http_requests_latency_seconds_by_view_method_count" for name, _ in m)
    assert any(name == "django_http_responses_total_by_status_total" for name, _ in m)
    assert any(name == "django_db_execute_total" for name, _ in m)
