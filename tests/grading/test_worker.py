"""The monthly task through a real Celery worker process (file-system broker by default, Redis
when CELERY_BROKER_URL says so), against this test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.utils import timezone

from customers.models import ConsumptionRecord, Customer
from grading import rules
from grading.models import GradeChange, GradeRun
from servicecenter.celery import app
from tests.customers.factories import CustomerFactory, StationFactory

ROOT = Path(__file__).resolve().parents[2]


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    with app.connection_for_write() as conn:       # nothing left over from an earlier run
        conn.default_channel.queue_declare("grading", durable=True, auto_delete=False)
        conn.default_channel.queue_purge("grading")
    env = {**os.environ, "DATABASE_URL": _test_database_url(), "VAR_DIR": str(settings.VAR_DIR)}
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "servicecenter", "worker", "-Q", "grading,default", "--pool=solo",
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()
    if getattr(proc, "failed", False):
        sys.stderr.write((tmp_path / "worker.log").read_text()[-5000:])


def wait_for(condition, proc, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if proc.poll() is not None:
            proc.failed = True
            raise AssertionError(f"the worker exited with {proc.returncode}")
        time.sleep(0.5)
    proc.failed = True
    raise AssertionError("the worker did not finish in time")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_regrades_once_when_the_task_is_delivered_twice(worker):
    period = rules.previous_month(timezone.localdate())
    station = StationFactory(code="SW1")
    diamond = CustomerFactory(station=station, dual_power_supply=True)
    big = CustomerFactory(station=station)
    ConsumptionRecord.objects.create(customer=big, period=period, kwh=1, amount_yuan=1000)
    plain = CustomerFactory(station=station, grade="C")

    kwargs = {"period": f"{period:%Y-%m}"}
    app.send_task("grading.reevaluate_grades", kwargs=kwargs, queue="grading")
    app.send_task("grading.reevaluate_grades", kwargs=kwargs, queue="grading")
    # a dry run sent last marks the end of the queue (the solo worker takes them in order)
    app.send_task("grading.reevaluate_grades", kwargs={**kwargs, "dry_run": True}, queue="grading")
    wait_for(lambda: GradeRun.objects.filter(dry_run=True, status="done").exists(), worker)

    run = GradeRun.objects.get(dry_run=False)             # once, although delivered twice
    assert (run.period, run.status, run.up) == (period, "done", 2)
    assert Customer.objects.get(pk=diamond.pk).grade == "A"
    assert Customer.objects.get(pk=big.pk).grade == "A"   # rank 1 in its station
    assert Customer.objects.get(pk=plain.pk).grade == "C"
    assert GradeChange.objects.filter(run=run).count() == 2
