"""The SLA sweep (complaints/sweep.py): each level fires at the right moment, for each complaint
deadline and grade; paused, extended and met deadlines; catch-up after downtime; query budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from clock.engine import backfill
from clock.models import Deadline
from complaints import services
from complaints.lifecycle import COMPLAINT
from complaints.models import Complaint, ComplaintEvent, Escalation
from complaints.sweep import enforce_sla
from core.models import Notification
from servicecenter.append_only import bypass_for_tests
from tests.complaints.factories import ComplaintFactory
from tests.customers.factories import CustomerFactory, StaffFactory

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai

# Targets per grade as the default policies give them (workdays written as calendar days here:
# the factory takes explicit deadlines, the sweep only reads the stored columns).
TARGETS = {
    "A": {"ack": timedelta(hours=2), "resolve": timedelta(days=3), "callback": timedelta(days=1)},
    "B": {"ack": timedelta(hours=4), "resolve": timedelta(days=4), "callback": timedelta(days=1)},
    "C": {"ack": timedelta(hours=24), "resolve": timedelta(days=5), "callback": timedelta(days=1)},
}


def levels(complaint, kind=None):
    qs = Escalation.objects.filter(subject_type="complaint", subject_id=complaint.pk)
    if kind:
        qs = qs.filter(kind=kind)
    return sorted(qs.values_list("kind", "level"))


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return enforce_sla()


def make(kind: str, grade: str, *, station, handler=None, **extra) -> tuple[Complaint, datetime, datetime]:
    """A complaint whose `kind` deadline runs from T0, with the grade's target; returns it with
    its warning time and deadline."""
    span = TARGETS[grade][kind]
    due, warn = T0 + span, T0 + span * 0.75
    customer = CustomerFactory(station=station, grade=grade)
    fields = {"station": station, "customer": customer, "grade_at_intake": grade, "handler": handler}
    if kind == "ack":
        fields.update(received_at=T0, ack_due_at=due, ack_warn_at=warn,
                      resolve_due_at=T0 + timedelta(days=30), resolve_warn_at=T0 + timedelta(days=29))
    elif kind == "resolve":
        fields.update(received_at=T0 - timedelta(hours=1), status="acknowledged",
                      acknowledged_at=T0 - timedelta(minutes=30), resolve_started_at=T0,
                      resolve_due_at=due, resolve_warn_at=warn)
    else:
        fields.update(received_at=T0 - timedelta(days=2), status="resolved",
                      acknowledged_at=T0 - timedelta(days=2), resolved_at=T0, resolution="已处理",
                      verified=True, utility_responsible=True, callback_due_at=due, callback_warn_at=warn)
    fields.update(extra)
    return ComplaintFactory(**fields), warn, due


@pytest.mark.parametrize("grade", ["A", "B", "C"])
@pytest.mark.parametrize("kind", ["ack", "resolve", "callback"])
def test_each_level_fires_at_its_moment(kind, grade, users, station):
    c, warn, due = make(kind, grade, station=station, handler=users["handler"])

    sweep_at(warn - timedelta(seconds=1))
    assert levels(c) == []

    sweep_at(warn)
    assert levels(c) == [(kind, 1)]
    c.refresh_from_db()
    assert getattr(c, f"{kind}_breached") is False

    sweep_at(due - timedelta(seconds=1))
    assert levels(c) == [(kind, 1)]

    sweep_at(due)
    assert levels(c) == [(kind, 1), (kind, 2)]
    c.refresh_from_db()
    assert getattr(c, f"{kind}_breached") is True

    sweep_at(due + timedelta(hours=24) - timedelta(seconds=1))
    assert levels(c) == [(kind, 1), (kind, 2)]

    sweep_at(due + timedelta(hours=24))
    assert levels(c) == [(kind, 1), (kind, 2), (kind, 3)]
    # the timeline tells each step
    assert list(ComplaintEvent.objects.filter(complaint=c, kind="escalated")
                .values_list("data__level", flat=True)) == [1, 2, 3]


@pytest.mark.parametrize("extra", [{"severity": "major"}, {"channel": "forwarded"}])
def test_breach_of_a_major_or_forwarded_complaint_is_severe_at_once(extra, users, station):
    c, warn, due = make("resolve", "C", station=station, **extra)
    sweep_at(due)
    assert levels(c) == [("resolve", 1), ("resolve", 2), ("resolve", 3)]
    esc = Escalation.objects.get(subject_id=c.pk, level=3)
    assert esc.reason == "重大或越级投诉超期：立即升级为严重。"


def test_paused_complaint_does_not_escalate_and_resume_moves_the_deadline(users, station):
    handler = users["handler"]
    c, warn, due = make("resolve", "C", station=station, handler=handler)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        services.complaint_pause(complaint=c, by=handler, reason="客户出差，约定下周联系")
    sweep_at(due + timedelta(days=3))  # long past the old deadline, but the clock is stopped
    assert levels(c) == []

    with time_machine.travel(T0 + timedelta(days=2), tick=False):  # paused for one day
        services.complaint_resume(complaint=c, by=handler)
    c.refresh_from_db()
    assert c.resolve_due_at == due + timedelta(days=1)
    sweep_at(due + timedelta(hours=12))
    assert levels(c) == [("resolve", 1)]
    sweep_at(due + timedelta(days=1))
    assert levels(c) == [("resolve", 1), ("resolve", 2)]


def test_approved_extension_moves_the_breach(users, station):
    handler, manager = users["handler"], users["manager"]
    c, warn, due = make("resolve", "C", station=station, handler=handler)
    new_due = due + timedelta(days=5)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        services.complaint_request_extension(complaint=c, by=handler, requested_due_at=new_due,
                                             reason="需要更换变压器")
        services.complaint_approve_extension(complaint=c, by=manager)
    sweep_at(due + timedelta(hours=1))
    c.refresh_from_db()
    assert c.resolve_breached is False and ("resolve", 2) not in levels(c)
    sweep_at(new_due)
    assert ("resolve", 2) in levels(c)


def test_a_met_deadline_never_escalates(users, station):
    c, warn, due = make("ack", "B", station=station, handler=users["handler"])
    with time_machine.travel(warn - timedelta(minutes=5), tick=False):
        services.complaint_acknowledge(complaint=c, by=users["handler"])
    for moment in (warn, due, due + timedelta(days=2)):
        sweep_at(moment)
    assert levels(c, "ack") == []


def test_intake_through_the_service_escalates_by_its_policy(users, station, category):
    """Grade A customer at the counter: ack 2 h from the seeded policy; the sweep reads the
    deadlines the intake service stored."""
    customer = CustomerFactory(station=station, grade="A", account_manager=users["account_manager"])
    with time_machine.travel(T0, tick=False):
        c = services.complaint_intake(by=users["counter"], channel="counter", category=category,
                                      description="停电未通知", customer=customer)
    assert c.ack_due_at == T0 + timedelta(hours=2)
    sweep_at(c.ack_warn_at - timedelta(seconds=1))
    assert levels(c, "ack") == []
    sweep_at(c.ack_warn_at)
    assert levels(c, "ack") == [("ack", 1)]
    sweep_at(c.ack_due_at)
    assert levels(c, "ack") == [("ack", 1), ("ack", 2)]
    # level 2 of a grade A customer tells the account manager
    assert Notification.objects.filter(recipient=users["account_manager"], kind__startswith="escalation").exists()


def test_second_sweep_escalates_nothing(users, station):
    c, warn, due = make("ack", "C", station=station, handler=users["handler"])
    first = sweep_at(due + timedelta(days=2))
    notes = Notification.objects.count()
    events = ComplaintEvent.objects.count()
    second = sweep_at(due + timedelta(days=2))
    assert first.total == 3 and second.total == 0
    assert Notification.objects.count() == notes and ComplaintEvent.objects.count() == events


def _snapshot():
    esc = sorted(Escalation.objects.values_list("subject_id", "kind", "level", "due_at"))
    flags = sorted(Complaint.objects.values_list("pk", "ack_breached", "resolve_breached", "callback_breached"))
    return esc, flags


def test_one_sweep_after_six_hours_of_downtime_equals_minute_by_minute_sweeps(users, station, monkeypatch):
    from complaints import sweep

    # only the complaint deadlines take part (keeps 361 sweeps quick)
    monkeypatch.setattr(sweep, "_REGISTRY", {k: v for k, v in sweep._REGISTRY.items() if k.startswith("complaint.")})
    start = T0 + timedelta(hours=1)
    # deadlines that cross levels at many moments in the 6 hours, and some that do not
    for i in range(12):
        make("ack", "A", station=station, handler=users["handler"], received_at=start - timedelta(minutes=40 * i),
             ack_due_at=start - timedelta(minutes=40 * i) + timedelta(hours=2),
             ack_warn_at=start - timedelta(minutes=40 * i) + timedelta(minutes=90))
    make("resolve", "C", station=station, severity="major",
         resolve_due_at=start + timedelta(hours=3), resolve_warn_at=start + timedelta(hours=1))
    make("callback", "B", station=station, callback_due_at=start - timedelta(hours=20),
         callback_warn_at=start - timedelta(hours=22))
    end = start + timedelta(hours=6)

    for minute in range(0, 6 * 60 + 1):
        enforce_sla(now=start + timedelta(minutes=minute))
    minute_by_minute = _snapshot()
    assert len(minute_by_minute[0]) > 20

    with bypass_for_tests():  # append-only in the database: a test may bypass it
        Escalation.objects.all().delete()
    # back to the state before any sweep (flags and levels are written by the sweep only)
    Complaint.objects.update(ack_breached=False, resolve_breached=False, callback_breached=False)
    Deadline.objects.update(level=0, breached=False)
    sweep_at(start)  # the last sweep before the beat stopped
    sweep_at(end)  # the first one after
    assert _snapshot() == minute_by_minute


@pytest.mark.parametrize("n", [10, 200])
def test_query_count_does_not_grow_with_open_complaints(n, users, station, django_assert_max_num_queries):
    """n open complaints, of which the same 5 crossed every level: the sweep's queries are the
    same for 10 and for 200 (the work follows the crossings, not the open rows)."""
    customer = CustomerFactory(station=station, grade="B", account_manager=users["account_manager"])
    station.head = StaffFactory(username="head1", role="handler", station=station)
    station.save()
    base = ComplaintFactory(station=station, customer=customer, handler=users["handler"], received_at=T0)
    rows = []
    for i in range(n - 1):
        late = i < 4  # with `base`, 5 complaints long overdue; the others received a week later
        received = T0 if late else T0 + timedelta(days=7)
        rows.append(Complaint(**{**{f.attname: getattr(base, f.attname) for f in Complaint._meta.concrete_fields
                                    if not f.primary_key and not f.generated},
                                 "number": f"TQ{i:08d}", "received_at": received,
                                 "ack_due_at": received + timedelta(hours=24), "ack_warn_at": received + timedelta(hours=18),
                                 "resolve_due_at": received + timedelta(days=5),
                                 "resolve_warn_at": received + timedelta(days=3, hours=18)}))
    Complaint.objects.bulk_create(rows)
    backfill(COMPLAINT, Complaint.objects.filter(number__startswith="TQ"))  # their deadline rows, set-based
    # 5 sources x (3 inserts + 3 level updates + 1 flag update) = 35; per complaint source with
    # new escalations (ack, resolve) describe 1 + events 1; managers 1, leaders 1, outbox 1,
    # savepoint 1: 44 whatever n is (at most 47 when all five sources escalate).
    with django_assert_max_num_queries(44):
        result = enforce_sla(now=T0 + timedelta(days=7))
    assert result.counts["complaint.ack.L3"] == 5
    assert Escalation.objects.count() == 5 * 6  # ack and resolve, three levels each
    # one message per recipient and channel, not one per complaint
    assert Notification.objects.filter(recipient=users["manager"]).count() == 2  # in-app + e-mail digest


def test_sweep_result_reports_counts_duration_and_queries(users, station, caplog):
    make("ack", "C", station=station)
    with caplog.at_level("INFO", logger="complaints.sweep"):
        result = enforce_sla(now=T0 + timedelta(hours=20))
    assert result.counts["complaint.ack.L1"] == 1
    assert result.duration > 0 and result.queries > 0
    line = next(r for r in caplog.records if r.name == "complaints.sweep")
    assert '"complaint.ack.L1": 1' in line.getMessage() and "duration_ms" in line.getMessage()


def test_enforce_sla_command_and_task(users, station):
    from django.core.management import call_command

    from complaints.tasks import enforce_sla as task

    c, warn, due = make("ack", "C", station=station)
    with time_machine.travel(due, tick=False):
        call_command("enforce_sla")
        assert levels(c) == [("ack", 1), ("ack", 2)]
        task.run()
        task.run()
    assert levels(c) == [("ack", 1), ("ack", 2)]
    assert timezone.now() > due


def test_a_reopened_complaint_escalates_its_new_resolve_deadline_again(users, station, category):
    """Resolved late, called back dissatisfied: the new resolve clock (counted from the reopen)
    warns and breaches again, as a second cycle beside the first one's escalations."""
    customer = CustomerFactory(station=station, grade="C")
    with time_machine.travel(T0, tick=False):
        c = services.complaint_intake(by=users["counter"], channel="counter", category=category,
                                      description="电费异常", customer=customer)
        services.complaint_acknowledge(complaint=c, by=users["handler"])
    sweep_at(c.resolve_due_at + timedelta(hours=1))
    assert levels(c, "resolve") == [("resolve", 1), ("resolve", 2)]
    reopened_at = c.resolve_due_at + timedelta(hours=2)
    with time_machine.travel(reopened_at, tick=False):
        c = services.complaint_resolve(complaint=Complaint.objects.get(pk=c.pk), by=users["handler"],
                                       resolution="已重新核算电费", verified=True, utility_responsible=True)
        c = services.complaint_callback(complaint=c, by=users["counter"], satisfaction="dissatisfied")
    c.refresh_from_db()
    assert c.status == "acknowledged" and c.reopen_count == 1 and not c.resolve_breached
    assert c.resolve_due_at > reopened_at
    sweep_at(c.resolve_due_at - timedelta(minutes=1))
    assert levels(c, "resolve") == [("resolve", 1), ("resolve", 1), ("resolve", 2)]
    sweep_at(c.resolve_due_at)
    c.refresh_from_db()
    assert c.resolve_breached
    cycles = sorted(Escalation.objects.filter(subject_id=c.pk, kind="resolve").values_list("cycle", "level"))
    assert cycles == [(0, 1), (0, 2), (1, 1), (1, 2)]
    # a second sweep at the same moment adds nothing
    assert sweep_at(c.resolve_due_at).total == 0


def test_a_catch_up_records_the_level_reached_and_the_flag_with_all_levels_written(users, station):
    """A deadline left 30 h unswept crosses warning, breach and severe in one sweep: escalations
    1, 2 and 3 are written at once and the row records level 3 with its breach flag."""
    c, warn, due = make("resolve", "A", station=station, handler=users["handler"])
    result = enforce_sla(now=due + timedelta(hours=30))
    c.refresh_from_db()
    assert levels(c) == [("resolve", 1), ("resolve", 2), ("resolve", 3)]
    assert (c.resolve_level, c.resolve_breached) == (3, True)
    assert result.counts["complaint.resolve.L1"] == result.counts["complaint.resolve.L3"] == 1
    assert result.breached["complaint.resolve"] == 1


def test_levels_advance_one_arm_at_a_time_and_a_recorded_level_is_not_raised_again(users, station):
    c, warn, due = make("callback", "B", station=station, handler=users["handler"])
    enforce_sla(now=warn)
    c.refresh_from_db()
    assert (c.callback_level, c.callback_breached) == (1, False)
    enforce_sla(now=due)
    c.refresh_from_db()
    assert (c.callback_level, c.callback_breached) == (2, True)
    # the level is the sweep's record: an escalation row removed by hand is not written again
    with bypass_for_tests():
        Escalation.objects.filter(subject_id=c.pk, level=1).delete()
    assert enforce_sla(now=due + timedelta(minutes=1)).total == 0
    enforce_sla(now=due + timedelta(hours=24))
    c.refresh_from_db()
    assert c.callback_level == 3
    assert levels(c) == [("callback", 2), ("callback", 3)]
