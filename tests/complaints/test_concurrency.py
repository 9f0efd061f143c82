"""Concurrent intakes at several counters get distinct numbers (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from complaints.models import Complaint, ComplaintCategory
from complaints.services import complaint_intake

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
