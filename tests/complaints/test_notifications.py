"""Who hears of an escalation, and how the outbox is delivered (core/delivery.py): in-app at
once, e-mail and SMS with retries and backoff, never twice, quiet hours, broker down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from complaints.sweep import enforce_sla
from core import delivery
from core.models import Notification
from core.outbox import notify
from tests.complaints.factories import ComplaintFactory
from tests.customers.factories import CustomerFactory, StaffFactory

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai (not quiet hours)
NIGHT = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai


@pytest.fixture
def people(users, station):
    head = StaffFactory(username="head1", role="handler", station=station)
    station.head = head
    station.save()
    for user, phone in ((users["handler"], "13800000001"), (users["manager"], "13800000002"),
                        (users["leader"], "13800000003"), (head, "13800000004")):
        user.profile.phone = phone
        user.profile.save()
    return {**users, "head": head}


@pytest.fixture
def sms_file(tmp_path, settings, monkeypatch):
    path = tmp_path / "sms.log"
    monkeypatch.setenv("SMS_FILE", str(path))
    monkeypatch.delenv("SMS_DELAY", raising=False)
    settings.SMS_BACKEND = "core.sms.FileSmsBackend"
    return path


def recipients(**filters):
    return set(Notification.objects.filter(**filters).values_list("recipient__username", flat=True))


def overdue(station, people, **extra):
    customer = CustomerFactory(station=station, grade=extra.pop("grade", "C"),
                               account_manager=people["account_manager"])
    return ComplaintFactory(station=station, customer=customer, handler=people["handler"], received_at=T0,
                            grade_at_intake=customer.grade, ack_due_at=T0 + timedelta(hours=2),
                            ack_warn_at=T0 + timedelta(hours=1, minutes=30), **extra)


@pytest.mark.parametrize("grade, am_told", [("A", True), ("B", True), ("C", False)])
def test_recipients_per_level(grade, am_told, people, station):
    overdue(station, people, grade=grade)
    enforce_sla(now=T0 + timedelta(hours=1, minutes=30))
    assert recipients(kind="escalation.L1") == {"handler1", "head1"}
    enforce_sla(now=T0 + timedelta(hours=2))
    expected = {"handler1", "head1", "manager1", "leader1"} | ({"am1"} if am_told else set())
    assert recipients(kind="escalation.L2") == expected
    enforce_sla(now=T0 + timedelta(hours=26))
    assert recipients(kind="escalation.L3") == {"leader1"}
    # level 3 is urgent and goes by every channel
    assert set(Notification.objects.filter(kind="escalation.L3").values_list("channel", "urgent")) == {
        ("in_app", True), ("email", True), ("sms", True)}


def test_five_hundred_breaches_make_one_digest_per_recipient(people, station):
    customer = CustomerFactory(station=station)
    base = dict(station=station, customer=customer, handler=people["handler"], received_at=T0,
                ack_due_at=T0 + timedelta(hours=2), ack_warn_at=T0 + timedelta(hours=1))
    from complaints.models import Complaint

    first = ComplaintFactory(**base)
    Complaint.objects.bulk_create([
        Complaint(**{**{f.attname: getattr(first, f.attname) for f in Complaint._meta.concrete_fields
                        if not f.primary_key and not f.generated}, "number": f"TD{i:08d}"})
        for i in range(499)])
    from clock.engine import backfill
    from complaints.lifecycle import COMPLAINT

    backfill(COMPLAINT, Complaint.objects.filter(number__startswith="TD"))  # their deadline rows, set-based
    result = enforce_sla(now=T0 + timedelta(hours=2))
    assert result.counts["complaint.ack.L2"] == 500
    mine = Notification.objects.filter(recipient=people["manager"])
    assert mine.count() == 2  # one digest, in-app and e-mail
    digest = mine.get(channel="in_app")
    assert digest.kind == "escalation.digest" and "500" in digest.subject and digest.link == "/escalations/"
    # the handler's digest covers warnings and breaches of the same sweep: still one
    assert Notification.objects.filter(recipient=people["handler"], channel="in_app").count() == 1


def test_in_app_is_delivered_at_once_and_email_through_django(people, station):
    overdue(station, people)
    enforce_sla(now=T0 + timedelta(hours=2))
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        r = delivery.deliver_due()
    assert not Notification.objects.exclude(status="sent").exists()
    emails = Notification.objects.filter(channel="email").count()
    assert emails and len(mail.outbox) == emails and r.sent == Notification.objects.count()
    assert mail.outbox[0].extra_headers["Message-ID"].startswith("<notification-")


def test_delivery_task_run_twice_sends_once(people, station, sms_file):
    from core.tasks import send_notifications

    overdue(station, people, severity="major")
    enforce_sla(now=T0 + timedelta(hours=2))  # major: level 3 at the breach, SMS to the leader
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        send_notifications.run()
        send_notifications.run()
    assert sms_file.read_text().count("\n") == Notification.objects.filter(channel="sms").count() == 1
    assert len(mail.outbox) == Notification.objects.filter(channel="email").count()


def test_failure_is_retried_with_backoff_then_given_up(people, settings):
    settings.SMS_BACKEND = "core.sms.FailingSmsBackend"
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    with time_machine.travel(T0, tick=False):
        notify(recipients=[people["manager"]], kind="test", dedupe_key="k", subject="停电", channels=["sms"])
    row = Notification.objects.get()
    moments = [T0, T0 + timedelta(minutes=1), T0 + timedelta(minutes=3)]
    for i, moment in enumerate(moments, start=1):
        delivery.deliver_due(now=moment - timedelta(seconds=1)) if i > 1 else None
        row.refresh_from_db()
        assert row.attempts == i - 1  # not yet due before its backoff ends
        delivery.deliver_due(now=moment)
        row.refresh_from_db()
        assert row.attempts == i
    assert row.status == "failed" and "unavailable" in row.last_error
    delivery.deliver_due(now=T0 + timedelta(days=1))
    row.refresh_from_db()
    assert row.attempts == 3


def test_a_claimed_row_is_not_sent_by_another_worker_until_its_lease_expires(people, sms_file, settings):
    settings.NOTIFICATION_LEASE = timedelta(minutes=10)
    with time_machine.travel(T0, tick=False):
        notify(recipients=[people["manager"]], kind="test", dedupe_key="k", subject="停电", channels=["sms"])
    claimed = delivery.claim(T0)  # a worker claims it, then dies before sending
    assert [n.status for n in claimed] == ["sending"]
    assert delivery.deliver_due(now=T0 + timedelta(minutes=5)).sent == 0  # lease still running
    assert not sms_file.exists()
    assert delivery.deliver_due(now=T0 + timedelta(minutes=10)).sent == 1  # expired: re-claimed
    assert sms_file.read_text().count("\n") == 1
    assert delivery.deliver_due(now=T0 + timedelta(minutes=30)).sent == 0


def test_quiet_hours_hold_email_and_sms_until_morning_except_urgent(people, sms_file):
    with time_machine.travel(NIGHT, tick=False):
        notify(recipients=[people["manager"]], kind="test", dedupe_key="calm", subject="周报",
               channels=["in_app", "email", "sms"])
        notify(recipients=[people["manager"]], kind="test", dedupe_key="fire", subject="严重超期", urgent=True,
               channels=["email", "sms"])
        r = delivery.deliver_due()
    sent = set(Notification.objects.filter(status="sent").values_list("dedupe_key", "channel"))
    assert sent == {("calm", "in_app"), ("fire", "email"), ("fire", "sms")}
    held = Notification.objects.get(dedupe_key="calm", channel="email")
    assert r.deferred == 2
    assert held.next_attempt_at == datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # 07:30 in Shanghai
    delivery.deliver_due(now=datetime(2026, 3, 2, 23, 29, tzinfo=UTC))
    assert Notification.objects.filter(status="pending").count() == 2
    delivery.deliver_due(now=datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    assert not Notification.objects.exclude(status="sent").exists()


@pytest.mark.parametrize("moment, quiet", [("21:59", False), ("22:00", True), ("03:00", True),
                                           ("07:29", True), ("07:30", False), ("12:00", False)])
def test_quiet_hours_window(moment, quiet):
    from zoneinfo import ZoneInfo

    h, m = map(int, moment.split(":"))
    local = datetime(2026, 3, 2, h, m, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert (delivery.quiet_until(local) is not None) is quiet


@pytest.mark.django_db(transaction=True)
def test_notify_enqueues_after_commit_and_survives_a_broker_that_is_down(users, monkeypatch, caplog):
    from django.db import transaction

    from core import tasks

    calls = []

    def down(*args, **kwargs):
        calls.append(kwargs)
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.send_notifications, "apply_async", down)
    with transaction.atomic():
        notify(recipients=[users["manager"]], kind="test", dedupe_key="a", subject="一")
        notify(recipients=[users["manager"]], kind="test", dedupe_key="b", subject="二")
        assert calls == []  # nothing before the commit
    assert len(calls) == 1  # once per transaction, on the notifications queue
    assert calls[0]["queue"] == "notifications"
    assert "customers.send_notifications not enqueued" in caplog.text and "catch-up" in caplog.text
    assert Notification.objects.filter(status="pending").count() == 2  # the minute run picks them up
    delivery.deliver_due()
    assert Notification.objects.filter(status="sent").count() == 2


def test_task_names_are_pinned():
    from complaints.tasks import enforce_sla as sweep_task
    from core.tasks import send_notifications

    assert sweep_task.name == "complaints.enforce_sla"
    assert send_notifications.name == "customers.send_notifications"


def test_task_routes_send_each_kind_of_work_to_its_queue():
    from servicecenter.celery import app

    router = app.amqp.router
    assert router.route({}, "complaints.enforce_sla")["queue"].name == "sla"
    assert router.route({}, "customers.send_notifications")["queue"].name == "notifications"
    assert router.route({}, "grading.reevaluate_grades")["queue"].name == "grading"
    assert router.route({}, "something.else")["queue"].name == "default"


def test_notifications_written_by_an_english_speaking_actor_are_in_the_sites_language(people, station):
    """The manager browses in English; the handler's notification is stored in Chinese (the
    site's language), like the sweep's."""
    from django.utils import translation

    from complaints import services

    c = ComplaintFactory(station=station, handler=None)
    with translation.override("en"):
        services.complaint_assign(complaint=c, by=people["manager"], handler=people["handler"])
    row = Notification.objects.get(kind="complaint.assigned")
    assert row.subject == f"投诉 {c.number} 已派发给您"
