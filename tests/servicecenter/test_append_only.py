"""Timeline events, escalations and deadline moves are append-only in the database itself
(SPEC §13): on PostgreSQL a trigger refuses UPDATE and DELETE, whatever the SQL that tries. The
deadline rows themselves are not: the services and the sweep keep them in step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import DatabaseError, connection, transaction

from clock.engine import record_moves
from clock.lifecycle import lifecycle
from clock.models import Deadline, DeadlineMove
from complaints.escalations import escalation_acknowledge
from complaints.models import Complaint, ComplaintEvent, Escalation
from complaints.sweep import enforce_sla
from servicecenter.append_only import bypass_for_tests
from tests.complaints.factories import ComplaintFactory
from tests.workorders.factories import WorkOrderFactory
from workorders.models import WorkOrderEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def refused(sql: str, params=()) -> str:
    """Run `sql` in a savepoint; return the database's refusal (the test fails if it succeeds)."""
    with pytest.raises(DatabaseError) as exc, transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)
    return str(exc.value)


@pytest.fixture
def escalated(users, station):
    c = ComplaintFactory(station=station, handler=users["handler"], received_at=T0,
                         ack_due_at=T0 + timedelta(hours=2), ack_warn_at=T0 + timedelta(hours=1))
    ComplaintEvent.objects.create(complaint=c, at=T0, kind="received")
    enforce_sla(now=T0 + timedelta(hours=2))  # the sweep still INSERTs escalations and events
    return c


def test_update_and_delete_of_a_complaint_event_fail_at_the_database(escalated):
    event = escalated.events.first()
    assert "Cannot update or delete" in refused(
        "UPDATE complaints_complaintevent SET note = 'rewritten' WHERE id = %s", [event.pk])
    refused("DELETE FROM complaints_complaintevent WHERE id = %s", [event.pk])
    refused("UPDATE complaints_complaintevent SET kind = kind")  # even a no-op rewrite
    # through the ORM too (bypassing the model's own guard), and by cascade from the complaint
    with pytest.raises(DatabaseError), transaction.atomic():
        ComplaintEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        Complaint.objects.filter(pk=escalated.pk).delete()
    event.refresh_from_db()
    assert event.note == "" and Complaint.objects.filter(pk=escalated.pk).exists()


def test_the_application_still_writes_events_and_escalations(escalated):
    assert list(Escalation.objects.filter(complaint=escalated).order_by("level").values_list("level", flat=True)) \
        == [1, 2]
    assert list(escalated.events.values_list("kind", flat=True)) == ["received", "escalated", "escalated"]


def test_an_escalation_is_acknowledged_once_and_otherwise_frozen(escalated, users):
    esc = Escalation.objects.get(complaint=escalated, level=2)
    assert "Cannot update" in refused("UPDATE complaints_escalation SET level = 3 WHERE id = %s", [esc.pk])
    refused("UPDATE complaints_escalation SET reason = 'x', acknowledged_at = now() WHERE id = %s", [esc.pk])
    refused("DELETE FROM complaints_escalation WHERE id = %s", [esc.pk])
    escalation_acknowledge(escalation=esc, by=users["manager"], note="已协调")  # the one allowed write
    esc.refresh_from_db()
    assert esc.acknowledged_by == users["manager"] and esc.acknowledged_at is not None
    refused("UPDATE complaints_escalation SET acknowledged_at = NULL WHERE id = %s", [esc.pk])
    refused("UPDATE complaints_escalation SET acknowledged_by_id = NULL WHERE id = %s", [esc.pk])
    assert ComplaintEvent.objects.filter(complaint=escalated, kind="escalation_acknowledged").count() == 1


def test_work_order_events_are_append_only(users, station):
    order = WorkOrderFactory(station=station)
    event = WorkOrderEvent.objects.create(work_order=order, at=T0, kind="created")
    refused("UPDATE workorders_workorderevent SET note = 'x' WHERE id = %s", [event.pk])
    refused("DELETE FROM workorders_workorderevent WHERE id = %s", [event.pk])


def test_deadline_moves_are_append_only_and_deadline_rows_are_not(escalated, users):
    ack = Deadline.objects.get(subject_type="complaint", subject_id=escalated.pk, kind="ack")
    assert ack.level == 2 and ack.breached  # the sweep updated the row (no trigger on clock_deadline)
    due = escalated.ack_due_at
    record_moves(lifecycle("complaint"), escalated, [{  # what a pause, extension or reopen writes
        "kind": "ack", "what": "extension", "old_due_at": due, "new_due_at": due + timedelta(hours=4),
        "by": users["manager"], "note": "客户同意"}], now=T0 + timedelta(hours=3))
    move = DeadlineMove.objects.get(subject_type="complaint", subject_id=escalated.pk)
    assert (move.what, move.new_due_at, move.by_id) == ("extension", due + timedelta(hours=4), users["manager"].pk)
    assert "Cannot update or delete" in refused(
        "UPDATE clock_deadlinemove SET new_due_at = new_due_at + interval '1 day' WHERE id = %s", [move.pk])
    refused("DELETE FROM clock_deadlinemove WHERE id = %s", [move.pk])
    with connection.cursor() as cur:  # the deadline row itself still takes the move
        cur.execute("UPDATE clock_deadline SET due_at = %s WHERE id = %s", [due + timedelta(hours=4), ack.pk])
    move.refresh_from_db()
    assert move.new_due_at == due + timedelta(hours=4)


def test_a_test_can_bypass_the_triggers_for_its_block_only(escalated):
    """bypass_for_tests() (pgtrigger.ignore on this connection) is the documented way for a test."""
    with bypass_for_tests():
        Escalation.objects.filter(complaint=escalated, level=1).delete()
    assert Escalation.objects.filter(complaint=escalated).count() == 1
    refused("DELETE FROM complaints_escalation")  # the bypass ended with its block


@pytest.mark.django_db(transaction=True)
def test_truncate_still_empties_the_tables(escalated):
    """TRUNCATE fires no row trigger: the suite's flush between transactional tests uses it."""
    with connection.cursor() as cur:
        cur.execute("TRUNCATE complaints_escalation, complaints_complaintevent")
    assert not Escalation.objects.exists() and not ComplaintEvent.objects.exists()
