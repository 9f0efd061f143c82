"""The demo complaints are created through the services, once."""

import pytest
from django.core.management import call_command

from complaints.models import Complaint

pytestmark = pytest.mark.django_db


def test_load_demo_creates_complaints_in_every_state_once():
    call_command("load_demo")
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert statuses == {"received", "acknowledged", "paused", "resolved", "closed"}
    count = Complaint.objects.count()
    assert count == 9
    assert Complaint.objects.filter(repeat_of__isnull=False).exists()
    call_command("load_demo")
    assert Complaint.objects.count() == count
