from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from servicecenter.schedules import SCHEDULE
from workorders.models import IdempotencyKey
from workorders.tasks import purge_idempotency_keys

pytestmark = pytest.mark.django_db


def test_task_name_and_schedule_are_pinned():
    assert purge_idempotency_keys.name == "workorders.purge_idempotency_keys"
    assert SCHEDULE["purge-idempotency-keys"][0] == "workorders.purge_idempotency_keys"


def test_old_keys_are_forgotten_recent_ones_kept_and_a_second_run_does_nothing(users):
    with time_machine.travel(timezone.now() - timedelta(days=8)):
        IdempotencyKey.objects.create(key="old", user=users["crew"], endpoint="x", response_status=200)
    IdempotencyKey.objects.create(key="new", user=users["crew"], endpoint="x", response_status=200)
    assert purge_idempotency_keys() == 1
    assert purge_idempotency_keys() == 0
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
