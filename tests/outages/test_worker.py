"""A real worker killed with SIGKILL in the middle of delivering an outage's customer SMS: none
lost, none doubled once a worker runs again (the same claim and lease as the staff outbox)."""

from __future__ import annotations

import time

import pytest

from outages import services
from outages.models import CustomerSms
from tests.customers.factories import CustomerFactory
from tests.test_worker import worker  # noqa: F401  (the fixture: a worker with the file SMS backend)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_killed_mid_delivery_of_customer_sms_loses_and_doubles_nothing(worker, users, grid):  # noqa: F811
    from core.tasks import send_notifications

    for i in range(3):
        CustomerFactory(station=grid.station, line=grid.lines["L01"], area=grid.areas["T02"], phone=f"1370000000{i}")
    outage = services.outage_create(by=users["handler"], kind="fault", cause="10kV线路故障跳闸", lines=["L01"])
    n = CustomerSms.objects.filter(outage=outage).count()
    assert n == 6
    worker.start(purge=True, SMS_DELAY="1.5")

    send_notifications.apply_async()
    sent_lines = lambda: worker.sms_file.read_text().splitlines() if worker.sms_file.exists() else []  # noqa: E731
    worker.wait_for(lambda: len(sent_lines()) >= 1, 60, "the worker delivered nothing")
    time.sleep(0.5)  # inside the next message's delivery (the backend sleeps 1.5 s first)
    worker.kill()

    delivered_before = len(sent_lines())
    assert 1 <= delivered_before < n
    assert CustomerSms.objects.filter(status="sending").exists()  # claimed by the dead worker

    worker.start(SMS_DELAY="0")
    time.sleep(3)  # the dead worker's lease (3 seconds) runs out
    deadline = time.monotonic() + 60
    while CustomerSms.objects.exclude(status="sent").exists() and time.monotonic() < deadline:
        send_notifications.apply_async()  # what beat does every minute
        time.sleep(2)

    assert CustomerSms.objects.filter(status="sent").count() == n
    keys = [line.split("\t")[0] for line in sent_lines()]
    assert len(keys) == n and len(set(keys)) == n and all(k.startswith("outage-sms-") for k in keys)
    assert all("故障停电" in line for line in sent_lines())
