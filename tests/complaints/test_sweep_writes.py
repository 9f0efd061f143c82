"""What the sweep writes to the wide complaint row: a breach flag only where it changes, on a
table that keeps room in its pages for that update to be HOT (BENCHMARKS.md, session 7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from clock.models import Deadline
from complaints.models import Complaint, Escalation
from complaints.sweep import enforce_sla
from tests.complaints.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def row_version(pk: int):
    """PostgreSQL's xmin of the complaint row: it changes whenever the row is written."""
    with connection.cursor() as cur:
        cur.execute("SELECT xmin::text FROM complaints_complaint WHERE id = %s", [pk])
        return cur.fetchone()[0]


@pytest.fixture
def late(station, users):
    return ComplaintFactory(station=station, handler=users["handler"], received_at=T0,
                            ack_due_at=T0 + timedelta(hours=2), ack_warn_at=T0 + timedelta(hours=1))


def test_the_breach_sets_the_flag_once(late):
    result = enforce_sla(now=T0 + timedelta(hours=2))
    late.refresh_from_db()
    assert late.ack_breached and result.breached["complaint.ack"] == 1
    assert Deadline.objects.get(subject_id=late.pk, kind="ack").breached


def test_a_flag_already_set_is_not_written_again(late):
    # the flag is already true (an earlier cycle breached it) while the row runs unbreached
    Complaint.objects.filter(pk=late.pk).update(ack_breached=True)
    before = row_version(late.pk) if connection.vendor == "postgresql" else None
    result = enforce_sla(now=T0 + timedelta(hours=2))
    late.refresh_from_db()
    assert late.ack_breached  # the same value
    assert result.breached["complaint.ack"] == 0  # no flag set now
    # the deadline row still records the breach and the escalations are written
    assert Deadline.objects.get(subject_id=late.pk, kind="ack").breached
    assert set(Escalation.objects.filter(complaint=late, kind="ack").values_list("level", flat=True)) == {1, 2}
    if before is not None:
        assert row_version(late.pk) == before  # the wide row was not rewritten


def test_the_complaint_table_keeps_room_for_hot_flag_updates(db):
    if connection.vendor != "postgresql":
        pytest.skip("fillfactor is PostgreSQL's")
    with connection.cursor() as cur:
        cur.execute("SELECT reloptions FROM pg_class WHERE relname = 'complaints_complaint'")
        assert "fillfactor=70" in cur.fetchone()[0]


def test_the_sweep_plans_without_parallel_workers():
    """Inside the sweep's transaction (complaints.sweep._plan_on_partial_indexes) no statement
    gets parallel workers: at a million open objects the planner, misled by the whole table's
    statistics, started two workers for a breach-arm query that reads a few index pages."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner settings")
    from django.db import transaction

    from complaints.sweep import _plan_on_partial_indexes

    with transaction.atomic(), connection.cursor() as cur:
        _plan_on_partial_indexes()
        cur.execute("SHOW max_parallel_workers_per_gather")
        assert cur.fetchone()[0] == "0"
        cur.execute("SHOW jit")
        assert cur.fetchone()[0] == "off"
