"""The complaint list: scoping by role, filters, the SLA state, and a constant query count."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from complaints.models import Complaint, ComplaintCategory
from tests.complaints.factories import ComplaintFactory
from tests.customers.factories import CustomerFactory
from tests.helpers import assert_not_found

SH = ZoneInfo("Asia/Shanghai")
URL = "/api/v1/complaints/"
pytestmark = pytest.mark.django_db


def numbers(r):
    assert r.status_code == 200, r.data
    return {c["number"] for c in r.data["results"]}


@pytest.fixture
def spread(users, station, other_station):
    mine = ComplaintFactory(station=station)
    theirs = ComplaintFactory(station=other_station)
    managed = ComplaintFactory(station=other_station,
                               customer=CustomerFactory(station=other_station, account_manager=users["account_manager"]))
    return {"mine": mine, "theirs": theirs, "managed": managed}


@pytest.mark.parametrize("role,sees", [
    ("counter", {"mine"}),
    ("handler", {"mine"}),
    ("other_handler", {"theirs", "managed"}),
    ("manager", {"mine", "theirs", "managed"}),
    ("admin", {"mine", "theirs", "managed"}),
    ("account_manager", {"managed"}),
    ("crew", set()),
])
def test_each_role_sees_its_scope(api, users, spread, role, sees):
    assert numbers(api(users[role]).get(URL)) == {spread[k].number for k in sees}


def test_out_of_scope_complaints_answer_404_for_reads_and_actions(api, users, spread):
    theirs = spread["theirs"]
    assert_not_found(api(users["handler"]), [("get", f"{URL}{theirs.pk}/"), ("get", f"{URL}{theirs.pk}/events/"),
                                             ("post", f"{URL}{theirs.pk}/acknowledge/", {"how": "phone"})])
    assert_not_found(api(users["crew"]), [("get", f"{URL}{spread['mine'].pk}/")])
    assert api().get(URL).status_code in (401, 403)


def test_the_response_carries_the_contract_fields(api, users, spread):
    data = api(users["manager"]).get(f"{URL}{spread['mine'].pk}/").data
    for field in ["id", "number", "status", "channel", "customer", "category", "severity", "received_at",
                  "ack_due_at", "resolve_due_at", "callback_due_at", "acknowledged_at", "resolved_at",
                  "ack_breached", "resolve_breached", "callback_breached", "sla_state", "grade_at_intake",
                  "repeat_of", "customer_account_no"]:
        assert field in data
    assert data["category"] == "service.attitude"
    assert data["received_at"].endswith("+08:00")


def test_filters(api, users, station):
    now = timezone.now()
    quality = ComplaintCategory.objects.get(code="operation.quality")
    a = ComplaintFactory(station=station, grade_at_intake="A", channel="phone", category=quality,
                         complainant_name="赵先生")
    breached = ComplaintFactory(station=station, received_at=now - timedelta(days=2))  # ack 24 h passed
    at_risk = ComplaintFactory(station=station, received_at=now - timedelta(hours=20))  # 20 of 24 h
    closed = ComplaintFactory(station=station, closed=True, received_at=now - timedelta(days=40))
    client = api(users["manager"])
    assert numbers(client.get(URL, {"grade": "A"})) == {a.number}
    assert numbers(client.get(URL, {"channel": "phone"})) == {a.number}
    assert numbers(client.get(URL, {"category": "operation"})) == {a.number}
    assert numbers(client.get(URL, {"category": "operation.quality"})) == {a.number}
    assert numbers(client.get(URL, {"status": "closed"})) == {closed.number}
    assert numbers(client.get(URL, {"station": "S01", "breached": "true"})) == {breached.number}
    assert numbers(client.get(URL, {"at_risk": "true"})) == {at_risk.number}
    assert numbers(client.get(URL, {"q": "赵先生"})) == {a.number}
    assert numbers(client.get(URL, {"q": a.number})) == {a.number}
    assert numbers(client.get(URL, {"received_before": (now - timedelta(days=30)).isoformat()})) == {closed.number}
    after = numbers(client.get(URL, {"received_after": (now - timedelta(days=1)).isoformat()}))
    assert after == {a.number, at_risk.number}
    states = {c["number"]: c["sla_state"] for c in client.get(URL).data["results"]}
    assert states[breached.number] == "breached" and states[at_risk.number] == "at_risk"
    assert states[a.number] == "on_track" and states[closed.number] == "met"


@pytest.mark.parametrize("size", [5, 60])
def test_the_list_runs_a_constant_number_of_queries(api, users, station, size, django_assert_max_num_queries):
    for _ in range(size):
        ComplaintFactory(station=station, repeat_of=None)
    client = api(users["handler"])
    client.get(URL)  # the user's roles and station are cached on the user after the first request
    # count + page (customer, category, class, station, handler, repeat_of joined)
    with django_assert_max_num_queries(3):
        r = client.get(URL, {"page_size": 200})
    assert r.data["count"] == size


def test_every_deadline_and_filter_has_an_index():
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, Complaint._meta.db_table)
    indexed_columns = {cols[0] for c in indexes.values() if c["index"] or c["unique"] for cols in [c["columns"]]}
    for column in ["ack_due_at", "resolve_due_at", "callback_due_at", "ack_warn_at", "resolve_warn_at",
                   "callback_warn_at", "received_at", "station_id", "category_id", "channel", "grade_at_intake",
                   "status", "number", "customer_id", "complainant_phone"]:
        assert any(column in c["columns"] for c in indexes.values() if c["index"] or c["unique"]), column
    assert indexed_columns


def test_sla_state_on_a_frozen_clock():
    from complaints.sla import sla_state

    base = datetime(2026, 3, 2, 9, 0, tzinfo=SH)
    c = Complaint(status="received", received_at=base, ack_due_at=base + timedelta(hours=24),
                  ack_warn_at=base + timedelta(hours=18), resolve_due_at=base + timedelta(days=5),
                  resolve_warn_at=base + timedelta(days=3, hours=18))
    assert sla_state(c, base + timedelta(hours=1)) == "on_track"
    assert sla_state(c, base + timedelta(hours=18)) == "at_risk"
    assert sla_state(c, base + timedelta(hours=25)) == "breached"
    c.status, c.acknowledged_at = "acknowledged", base + timedelta(hours=2)
    assert sla_state(c, base + timedelta(hours=25)) == "on_track"
    c.status, c.paused_at, c.status_before_pause = "paused", base + timedelta(days=1), "acknowledged"
    assert sla_state(c, base + timedelta(days=30)) == "on_track"
    c.status = "closed"
    assert sla_state(c, base + timedelta(days=30)) == "met"
    c.resolve_breached = True
    assert sla_state(c, base + timedelta(days=30)) == "breached"
