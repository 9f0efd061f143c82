"""The sweep's set-based fan-out (`escalations.fan_out`, PostgreSQL) tells exactly whom SPEC §4
names, of exactly what: pinned against a plain Python computation over the escalation rows and
the people of each complaint, and against the Python path (`notify_escalations`) message by
message. The managers' and the leadership's audiences are aggregated once per group in SQL;
here every (recipient, escalation) pair is spelled out."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model

from complaints.escalations import DIGEST_LINES, fan_out, notify_escalations, notify_escalations_set_based
from complaints.models import Complaint, Escalation
from complaints.sweep import _REGISTRY, NewEscalation, enforce_sla, sources
from core import outbox
from tests.complaints.factories import ComplaintFactory
from tests.customers.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql_only():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the set-based fan-out runs on PostgreSQL only")

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
SWEEP = T0 + timedelta(hours=3)


@pytest.fixture
def cast(users, station, other_station):
    """Two stations with heads (one of them a manager), four active managers (two leaders, one
    of whom also handles complaints) and one who left."""
    head = StaffFactory(username="head1", role="handler", station=station)
    station.head = head
    station.save()
    boss = StaffFactory(username="manager2", role="manager", station=other_station)
    other_station.head = boss
    other_station.save()
    StaffFactory(username="leader2", role="manager", station=None, leadership=True)
    gone = StaffFactory(username="manager_gone", role="manager", station=None, leadership=True)
    gone.is_active = False
    gone.save()
    return {**users, "head": head, "boss": boss}


def complaint(station, *, handler=None, grade="C", am=None, due, warn, received=T0, **extra):
    customer = CustomerFactory(station=station, grade=grade, account_manager=am)
    return ComplaintFactory(station=station, customer=customer, handler=handler, grade_at_intake=grade,
                            received_at=received, ack_due_at=due, ack_warn_at=warn, **extra)


def expected(escs: list[Escalation]) -> dict[int, set[int]]:
    """{user id: ids of the escalations they must be told of}, from SPEC §4 in plain Python:
    level 1 -> the handler and the station head; level 2 -> also every active manager and, for
    grade A/B customers, the account manager; level 3 -> the active managers with leadership."""
    active_managers = list(get_user_model().objects.filter(is_active=True, groups__name="manager")
                           .select_related("profile"))
    managers = {u.pk for u in active_managers}
    leaders = {u.pk for u in active_managers if u.profile.leadership}
    told = defaultdict(set)
    for esc in escs:
        c = Complaint.objects.select_related("station", "customer").get(pk=esc.subject_id)
        if esc.level == 3:
            who = set(leaders)
        else:
            who = {c.handler_id, c.station.head_id}
            if esc.level == 2:
                who |= managers
                if c.grade_at_intake in ("A", "B") and c.customer is not None:
                    who.add(c.customer.account_manager_id)
        who.discard(None)
        for uid in who:
            told[uid].add(esc.pk)
    return dict(told)


def line(esc: Escalation) -> list[str]:
    return [str(esc.level), esc.subject_type, Complaint.objects.get(pk=esc.subject_id).number, esc.kind]


def captured(monkeypatch, call) -> list[dict]:
    messages = []

    def keep(rows, *, now=None):
        rows = list(rows)
        messages.extend(rows)
        return len(rows)

    monkeypatch.setattr(outbox, "notify_many", keep)
    call()
    return sorted(messages, key=lambda m: m["recipient_id"])


def check(monkeypatch) -> dict[int, set[int]]:
    """The sweep's new escalations fanned out both ways, compared with `expected`."""
    escs = list(Escalation.objects.order_by("id"))
    assert escs, "the sweep raised nothing"
    by_id = {e.pk: e for e in escs}
    told = expected(escs)
    by_type = {src.subject_type: src for src in sources()}
    new = [NewEscalation(id=e.pk, subject_id=e.subject_id, level=e.level, kind=e.kind, due_at=e.due_at,
                         subject_type=e.subject_type) for e in escs]
    rows = fan_out(by_type, new)

    # who is told, and of what: the same recipients, the same escalations, counted per level
    assert {r.uid for r in rows} == set(told)
    for r in rows:
        mine = sorted(told[r.uid], key=lambda i: (-by_id[i].level, i))
        assert (r.n, r.n1, r.n2, r.n3) == (len(mine), *(sum(1 for i in mine if by_id[i].level == lv)
                                                        for lv in (1, 2, 3))), r
        assert r.first_id == min(mine) and r.top == max(by_id[i].level for i in mine)
        assert r.due == min(by_id[i].due_at for i in mine)
        # the first DIGEST_LINES lines: highest level first, then by id (all of them when fewer)
        assert r.lines == [line(by_id[i]) for i in mine[:DIGEST_LINES]], r.uid

    # message by message, the same as the Python path (SQLite's) writes
    per_source = defaultdict(list)
    for e in new:
        per_source[f"{e.subject_type}.{e.kind}"].append(e)
    plain = captured(monkeypatch, lambda: notify_escalations(
        {key: (_REGISTRY[key], rows) for key, rows in per_source.items()}, now=SWEEP))
    sql = captured(monkeypatch, lambda: notify_escalations_set_based(by_type, new, now=SWEEP))
    assert sql == plain
    return told


def test_every_level_at_once_tells_each_audience_once(cast, station, other_station, monkeypatch):
    u = cast
    # breached (levels 1 and 2 at once), grade A: the account manager too
    complaint(station, handler=u["handler"], grade="A", am=u["account_manager"],
              due=T0 + timedelta(hours=2), warn=T0 + timedelta(hours=1))
    # warned only, no handler: the station head alone
    complaint(station, due=T0 + timedelta(hours=5), warn=T0 + timedelta(hours=2))
    # major, breached: levels 1, 2 and 3 at once; the other station's head is a manager
    complaint(other_station, handler=u["other_handler"], severity="major", due=T0 + timedelta(hours=2),
              warn=T0 + timedelta(hours=1))
    # warned, handled by a leader: a group member's own level-1 escalation
    complaint(other_station, handler=u["leader"], due=T0 + timedelta(hours=6), warn=T0 + timedelta(hours=1))
    # 25 hours late: levels 1-3; grade B without an account manager
    complaint(station, handler=u["head"], grade="B", received=T0 - timedelta(days=2),
              due=T0 - timedelta(hours=22), warn=T0 - timedelta(hours=30))
    result = enforce_sla(now=SWEEP)
    assert {lv: sum(v for k, v in result.counts.items() if k.endswith(f".L{lv}")) for lv in (1, 2, 3)} == {
        1: 5, 2: 3, 3: 2}
    told = check(monkeypatch)
    # the manager who heads a station hears of its level-1 escalations once and of every level 2
    boss = told[u["boss"].pk]
    assert {Escalation.objects.get(pk=i).level for i in boss} == {1, 2}
    assert len([i for i in boss if Escalation.objects.get(pk=i).level == 2]) == 3
    # a manager who left is told nothing
    assert not get_user_model().objects.filter(username="manager_gone", pk__in=told).exists()


def test_more_escalations_than_a_digest_shows(cast, station, other_station, monkeypatch):
    u = cast
    for i in range(DIGEST_LINES + 7):
        here = station if i % 3 else other_station
        complaint(here, handler=u["handler"] if i % 2 else None, grade="A" if i % 5 == 0 else "C",
                  am=u["account_manager"], severity="major" if i % 7 == 0 else "normal",
                  due=T0 + timedelta(hours=2, minutes=i), warn=T0 + timedelta(hours=1))
    enforce_sla(now=SWEEP)
    told = check(monkeypatch)
    assert len(told[u["manager"].pk]) > DIGEST_LINES
    # the leader hears of the level-2 escalations as a manager and of the level-3 ones as a leader
    assert told[u["leader"].pk] > told[u["manager"].pk]


def test_no_managers_no_group_part(users, station, monkeypatch):
    from django.contrib.auth.models import Group

    Group.objects.get(name="manager").user_set.clear()
    complaint(station, handler=users["handler"], due=T0 + timedelta(hours=2), warn=T0 + timedelta(hours=1),
              severity="major")
    enforce_sla(now=SWEEP)
    told = check(monkeypatch)
    assert set(told) == {users["handler"].pk}
