"""Concurrent intakes at several counters get distinct numbers (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from complaints.models import Complaint, ComplaintCategory
from complaints.services import complaint_intake
from core.numbering import next_number

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_intakes_get_unique_consecutive_numbers(users):
    category = ComplaintCategory.objects.get(code="service.attitude")
    counter = users["counter"]
    threads_n, per_thread = 8, 5
    barrier = threading.Barrier(threads_n)
    errors = []

    def work(i):
        try:
            barrier.wait()
            for j in range(per_thread):
                complaint_intake(by=counter, channel="counter", category=category, description="并发受理",
                                 complainant_name=f"客户{i}", complainant_phone=f"1380000{i:02d}{j:02d}")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = list(Complaint.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == threads_n * per_thread
    assert sorted(int(n[-4:]) for n in numbers) == list(range(1, threads_n * per_thread + 1))


def test_an_open_intake_transaction_does_not_hold_the_days_number(users, monkeypatch):
    """The number is drawn before the intake's transaction: while one intake is still writing,
    another counter draws the next number at once instead of queueing on the day's row."""
    import complaints.services

    category = ComplaintCategory.objects.get(code="service.attitude")
    seen = {}
    notify_many = complaints.services.notify_many

    def other_counter():
        try:
            with connection.cursor() as cur:
                cur.execute("SET lock_timeout = '2s'")  # a held row lock fails the draw instead of waiting
            seen["number"] = next_number(prefix="TS", day=timezone.localdate())
        except Exception as exc:  # noqa: BLE001 - asserted below
            seen["error"] = exc
        finally:
            connection.close()

    def in_the_middle(messages, **kwargs):  # runs inside the intake's transaction
        seen["in_atomic"] = connection.in_atomic_block
        t = threading.Thread(target=other_counter)
        t.start()
        t.join()
        return notify_many(messages, **kwargs)

    monkeypatch.setattr(complaints.services, "notify_many", in_the_middle)
    complaint = complaint_intake(by=users["counter"], channel="counter", category=category, description="并发受理",
                                 complainant_name="客户", complainant_phone="13800000001")
    assert seen["in_atomic"] and "error" not in seen, seen
    assert int(seen["number"][-4:]) == int(complaint.number[-4:]) + 1
    assert Complaint.objects.filter(number=complaint.number).exists()
