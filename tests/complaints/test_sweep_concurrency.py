"""Two sweeps at once on PostgreSQL (threads, each with its own connection): exactly one
escalation per (object, kind, level), one event per escalation, one message per recipient."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections
from django.db.models import Count

from clock.engine import backfill
from complaints.lifecycle import COMPLAINT
from complaints.models import Complaint, ComplaintEvent, Escalation
from complaints.sweep import enforce_sla
from core import delivery
from core.models import Notification
from tests.complaints.factories import ComplaintFactory
from tests.customers.factories import CustomerFactory

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(n, target):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def work():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


def test_concurrent_sweeps_escalate_and_notify_once(users, station):
    customer = CustomerFactory(station=station, grade="A", account_manager=users["account_manager"])
    first = ComplaintFactory(station=station, customer=customer, handler=users["handler"], received_at=T0,
                             grade_at_intake="A", ack_due_at=T0 + timedelta(hours=2),
                             ack_warn_at=T0 + timedelta(hours=1, minutes=30))
    Complaint.objects.bulk_create([
        Complaint(**{**{f.attname: getattr(first, f.attname) for f in Complaint._meta.concrete_fields
                        if not f.primary_key and not f.generated}, "number": f"TC{i:08d}"})
        for i in range(199)])
    backfill(COMPLAINT, Complaint.objects.filter(number__startswith="TC"))  # their deadline rows, set-based
    now = T0 + timedelta(days=2)

    results = run_at_once(4, lambda: enforce_sla(now=now))

    assert sum(r.total for r in results) == Escalation.objects.count() == 200 * 3  # ack L1-L3
    dupes = (Escalation.objects.values("subject_type", "subject_id", "kind", "level")
             .annotate(n=Count("id")).filter(n__gt=1))
    assert not dupes.exists()
    assert ComplaintEvent.objects.filter(kind="escalated").count() == 200 * 3
    # only the sweep that inserted the escalations wrote messages: one digest per recipient
    manager_msgs = Notification.objects.filter(recipient=users["manager"], channel="in_app")
    assert manager_msgs.count() == 1
    assert Notification.objects.values("recipient", "channel", "dedupe_key").distinct().count() == \
        Notification.objects.count()


def test_concurrent_sweeps_with_one_crossing_notify_each_recipient_once(users, station):
    ComplaintFactory(station=station, handler=users["handler"], received_at=T0,
                     ack_due_at=T0 + timedelta(hours=2), ack_warn_at=T0 + timedelta(hours=1, minutes=30))
    run_at_once(6, lambda: enforce_sla(now=T0 + timedelta(hours=2)))
    assert sorted(Escalation.objects.values_list("kind", "level")) == [("ack", 1), ("ack", 2)]
    per_recipient = Notification.objects.filter(channel="in_app").values_list("recipient__username", flat=True)
    assert sorted(per_recipient) == sorted(set(per_recipient))  # one message each
    assert set(per_recipient) == {"handler1", "manager1", "leader1"}


def test_concurrent_delivery_workers_send_each_row_once(users, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("SMS_FILE", str(tmp_path / "sms.log"))
    settings.SMS_BACKEND = "core.sms.FileSmsBackend"
    from core.outbox import notify

    users["manager"].profile.phone = "13800000002"
    users["manager"].profile.save()
    for i in range(60):
        notify(recipients=[users["manager"]], kind="test", dedupe_key=f"k{i}", subject=f"消息{i}",
               channels=["sms", "email"], urgent=True)

    run_at_once(4, lambda: delivery.deliver_due())

    assert Notification.objects.filter(status="sent").count() == 120
    lines = (tmp_path / "sms.log").read_text().splitlines()
    assert len(lines) == len({line.split("\t")[0] for line in lines}) == 60
    assert connection.vendor == "postgresql"
