"""A real broker outage (SPEC §13 "Nothing lost"): our own redis-server (port 6391 and up, never
the shared one on 6379) is stopped while a manager starts a grade run and the counter takes a complaint;
both answer 2xx at once, and when the broker is back a real worker with its beat completes the
run and delivers the message without anyone asking again."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import kombu.pools
import pytest
import redis
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from core.models import Notification
from grading import rules
from grading.models import GradeRun
from grading.services import stuck_runs
from ops.checks import oldest_due
from servicecenter.celery import app
from tests.customers.factories import CustomerFactory
from tests.test_worker import CELERY, test_database_url

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

REDIS_SERVER = shutil.which("redis-server")
if REDIS_SERVER is None and os.environ.get("REQUIRE_REDIS", "") in ("", "0", "false"):
    pytestmark.append(pytest.mark.skip(reason="needs redis-server (apt-get install redis-server)"))


def free_port() -> int:
    """The first free port from OUTAGE_REDIS_PORT (6391: this team's range for own servers)."""
    first = int(os.environ.get("OUTAGE_REDIS_PORT", "6391"))
    for port in range(first, first + 20):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise AssertionError(f"no free port in {first}–{first + 19}")


class RedisServer:
    """Our own throw-away redis-server (no persistence): stopped and started by the test."""

    def __init__(self, tmp_path: Path):
        self.port, self.tmp_path, self.proc = free_port(), tmp_path, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.tmp_path)], stdout=(self.tmp_path / "redis.log").open("a"),
            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.exceptions.ConnectionError):
                if redis.Redis(port=self.port, socket_timeout=1).ping():
                    return
            time.sleep(0.1)
        raise AssertionError("redis-server did not start")

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(20)
            self.proc = None


@contextlib.contextmanager
def broker(url: str):
    """Point this process's Celery app (the web side) at `url`."""
    def reset():  # close and forget every pooled connection (kombu keeps pools per URL, globally)
        kombu.pools.reset()
        app._after_fork()

    old = app.conf.broker_url
    reset()
    app.conf.broker_url = url
    try:
        yield
    finally:
        reset()
        app.conf.broker_url = old


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    with broker(server.url):
        yield server
    server.stop()


@pytest.fixture
def worker_with_beat(own_redis, tmp_path):
    """A worker with its embedded beat (django-celery-beat, from the test database): the
    catch-ups every 2 seconds instead of every minute, pending runs stuck after 3 seconds."""
    every, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
    for name, task, queue in [("requeue-stuck-grade-runs", "grading.requeue_stuck_runs", "grading"),
                              ("send-notifications", "customers.send_notifications", "notifications")]:
        PeriodicTask.objects.update_or_create(name=name, defaults={"task": task, "interval": every, "queue": queue})
    log = tmp_path / "worker.log"
    env = {**os.environ, "DATABASE_URL": test_database_url(), "VAR_DIR": str(settings.VAR_DIR),
           "CELERY_BROKER_URL": own_redis.url, "GRADE_RUN_REQUEUE_AFTER": "3 seconds", "QUIET_HOURS": "",
           "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [str(CELERY), "-A", "servicecenter", "worker", "-B", "-s", str(tmp_path / "beat-schedule"),
         "--pool=solo", "-Q", "grading,notifications,default", "--loglevel=INFO", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "-n", f"outage-{os.getpid()}@%h"],
        cwd=settings.BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    proc.log = log
    wait_for(lambda: "ready." in log.read_text(), proc, 120, "the worker did not start")
    yield proc
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def wait_for(condition, proc, timeout, message):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if proc.poll() is not None:
            raise AssertionError(f"the worker exited ({proc.returncode}):\n{proc.log.read_text()[-3000:]}")
        time.sleep(0.5)
    raise AssertionError(f"{message}:\n{proc.log.read_text()[-4000:]}")


def test_a_grade_run_and_an_intake_during_a_broker_outage_complete_when_it_returns(
        own_redis, worker_with_beat, api, users, station):
    customer = CustomerFactory(station=station, grade="A", account_manager=users["account_manager"],
                               dual_power_supply=True)
    period = rules.previous_month(timezone.localdate())

    own_redis.stop()  # the broker goes down
    started = time.monotonic()
    r = api(users["manager"]).post("/api/v1/grading/runs/", {"period": f"{period:%Y-%m}"}, format="json")
    assert r.status_code == 202, r.content
    taken = api(users["counter"]).post("/api/v1/complaints/", {
        "channel": "counter", "customer": customer.pk, "category": "service.attitude",
        "complainant_name": "王先生", "description": "停电不通知。"}, format="json")
    assert taken.status_code == 201, taken.content
    assert time.monotonic() - started < 20  # each publish gave up after one short attempt
    run = GradeRun.objects.get(pk=r.json()["id"])
    message = Notification.objects.get(recipient=users["account_manager"], kind="complaint.customer_complained")
    assert (run.status, message.status) == ("pending", "pending")
    waiting = oldest_due(timezone.now())  # what /health/ "outbox" shows meanwhile
    assert waiting["due"] >= 1 and waiting["since"] <= message.created_at
    assert not stuck_runs().exists()  # not yet: a run is stuck after GRADE_RUN_REQUEUE_AFTER

    own_redis.start()  # back, empty: nothing that was "sent" while it was down is in it
    wait_for(lambda: GradeRun.objects.get(pk=run.pk).status == "done", worker_with_beat, 180,
             "the grade run was not picked up after the broker returned")
    wait_for(lambda: Notification.objects.get(pk=message.pk).status == "sent", worker_with_beat, 60,
             "the notification was not delivered after the broker returned")
    assert GradeRun.objects.filter(period=period).count() == 1  # nobody asked again
    customer.refresh_from_db()
    assert customer.grade == "A"
