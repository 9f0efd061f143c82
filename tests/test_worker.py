"""A real Celery worker process against the test database and the configured broker (the
file-system broker by default, Redis with CELERY_BROKER_URL=redis://...).

- the sweep sent to the worker writes the escalations;
- a worker killed with SIGKILL in the middle of delivering notifications loses none and
  doubles none once a worker runs again (the lease expires, the periodic run re-claims).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from complaints.models import Escalation
from core.models import Notification
from core.outbox import notify
from tests.complaints.factories import ComplaintFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
CELERY = BASE_DIR / ".venv" / "bin" / "celery"


def test_database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


class Worker:
    """`celery -A servicecenter worker --pool=solo` in its own process group."""

    def __init__(self, tmp_path: Path, **env):
        self.tmp_path = tmp_path
        self.env = {**os.environ, "DATABASE_URL": test_database_url(), "VAR_DIR": str(settings.VAR_DIR),
                    "CELERY_BROKER_URL": settings.CELERY_BROKER_URL, "PYTHONUNBUFFERED": "1", **env}
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self, *, purge: bool = False, **env):
        self.starts += 1
        self.log = self.tmp_path / f"worker-{self.starts}.log"
        args = [str(CELERY if CELERY.exists() else Path(sys.executable).parent / "celery"), "-A", "servicecenter",
                "worker", "--pool=solo", "-Q", "sla,notifications,default", "--loglevel=INFO",
                "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"test-{os.getpid()}@%h"]
        if purge:
            args.append("--purge")
        self.proc = subprocess.Popen(args, cwd=BASE_DIR, env={**self.env, **env}, stdout=self.log.open("w"),
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_for(lambda: "ready." in self.log.read_text(), 90, "worker did not start")

    def wait_for(self, condition, timeout: float, message: str):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"worker exited ({self.proc.returncode}):\n{self.log.read_text()[-3000:]}")
            time.sleep(0.1)
        raise AssertionError(f"{message}:\n{self.log.read_text()[-3000:]}")

    def kill(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.proc = None

    def stop(self):
        if self.proc is None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None


@pytest.fixture
def worker(tmp_path, monkeypatch):
    sms_file = tmp_path / "sms.log"
    monkeypatch.setenv("SMS_FILE", str(sms_file))
    w = Worker(tmp_path, SMS_BACKEND="core.sms.FileSmsBackend", SMS_FILE=str(sms_file),
               NOTIFICATION_LEASE="3 seconds", QUIET_HOURS="")
    w.sms_file = sms_file
    yield w
    w.stop()


def test_worker_runs_the_sweep_and_delivers_its_notifications(worker, users, station):
    from complaints.tasks import enforce_sla

    now = timezone.now()
    overdue = ComplaintFactory(station=station, handler=users["handler"], received_at=now - timedelta(hours=30),
                               ack_due_at=now - timedelta(hours=6), ack_warn_at=now - timedelta(hours=12))
    worker.start(purge=True)

    enforce_sla.apply_async()  # routed to the `sla` queue

    worker.wait_for(lambda: Escalation.objects.filter(subject_id=overdue.pk).count() == 2, 60,
                    "no escalations from the worker")
    assert sorted(Escalation.objects.values_list("kind", "level")) == [("ack", 1), ("ack", 2)]
    overdue.refresh_from_db()
    assert overdue.ack_breached is True
    # the sweep's outbox rows were enqueued on commit and delivered by the same worker
    worker.wait_for(lambda: Notification.objects.exists()
                    and not Notification.objects.exclude(status="sent").exists(), 60, "notifications not delivered")
    assert "enforce_sla" in worker.log.read_text()


def test_worker_killed_mid_delivery_loses_and_doubles_nothing(worker, users):
    from core.tasks import send_notifications

    manager = users["manager"]
    manager.profile.phone = "13800000002"
    manager.profile.save()
    n = 6
    for i in range(n):
        notify(recipients=[manager], kind="test", dedupe_key=f"kill-{i}", subject=f"抢修通知{i}",
               channels=["sms"], urgent=True)
    worker.start(purge=True, SMS_DELAY="1.5")

    send_notifications.apply_async()
    sent_lines = lambda: worker.sms_file.read_text().splitlines() if worker.sms_file.exists() else []  # noqa: E731
    worker.wait_for(lambda: len(sent_lines()) >= 1, 60, "the worker delivered nothing")
    time.sleep(0.5)  # now inside the next message's delivery (the backend sleeps 1.5 s first)
    worker.kill()

    delivered_before = len(sent_lines())
    assert 1 <= delivered_before < n
    assert Notification.objects.filter(status="sending").exists()  # claimed by the dead worker

    worker.start(SMS_DELAY="0")
    time.sleep(3)  # the dead worker's lease (3 seconds) runs out
    deadline = time.monotonic() + 60
    while Notification.objects.exclude(status="sent").exists() and time.monotonic() < deadline:
        send_notifications.apply_async()  # what beat does every minute
        time.sleep(2)

    assert Notification.objects.filter(status="sent").count() == n
    keys = [line.split("\t")[0] for line in sent_lines()]
    assert len(keys) == n and len(set(keys)) == n  # each delivered exactly once
