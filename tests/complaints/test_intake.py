"""Intake: numbers, deadlines from the policy and the calendar, validation, repeats, notifications."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from complaints.models import Complaint, ComplaintEvent
from core.models import Notification
from tests.customers.factories import CustomerFactory, StaffFactory

SH = ZoneInfo("Asia/Shanghai")
URL = "/api/v1/complaints/"

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime(2026, 9, 25, 16, 0, tzinfo=SH), tick=False)
def test_walk_in_complaint_gets_a_number_and_deadlines_on_the_work_calendar(api, users, walk_in):
    r = api(users["counter"]).post(URL, walk_in, format="json")
    assert r.status_code == 201, r.data
    assert r.data["number"] == "TS202609250001"
    assert r.data["status"] == "received"
    assert r.data["received_at"] == "2026-09-25T16:00:00+08:00"
    assert r.data["ack_due_at"] == "2026-09-26T16:00:00+08:00"  # 24 calendar hours
    assert r.data["resolve_due_at"] == "2026-10-09T23:59:59+08:00"  # 5 working days past National Day
    assert r.data["station"] == "S01"
    assert r.data["customer"] is None and r.data["customer_account_no"] is None
    assert r.data["sla_state"] == "on_track"
    assert r.data["grade_at_intake"] == "C"
    c = Complaint.objects.get(number="TS202609250001")
    assert c.sla_policy.name == "一般投诉·普通客户(C)"
    assert c.sla_targets["resolve"] == [5, "workdays"]
    assert ComplaintEvent.objects.filter(complaint=c, kind="received").count() == 1


@time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=SH), tick=False)
@pytest.mark.parametrize("grade,ack,resolve", [
    ("A", "2026-11-25T11:00:00+08:00", "2026-11-30T23:59:59+08:00"),
    ("B", "2026-11-25T13:00:00+08:00", "2026-12-01T23:59:59+08:00"),
    ("C", "2026-11-26T09:00:00+08:00", "2026-12-02T23:59:59+08:00"),
])
def test_the_customers_grade_picks_the_policy(api, users, station, category, grade, ack, resolve):
    customer = CustomerFactory(station=station, grade=grade)
    r = api(users["counter"]).post(URL, {"channel": "counter", "customer": customer.pk,
                                         "category": "service.attitude", "description": "电费异常"}, format="json")
    assert r.status_code == 201, r.data
    assert (r.data["grade_at_intake"], r.data["ack_due_at"], r.data["resolve_due_at"]) == (grade, ack, resolve)
    assert r.data["customer_account_no"] == customer.account_no
    assert r.data["complainant_phone"] == customer.phone


@time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=SH), tick=False)
def test_forwarded_and_major_complaints_get_their_own_targets(api, users, walk_in):
    r = api(users["manager"]).post(URL, {**walk_in, "channel": "forwarded", "station": "S01"}, format="json")
    assert r.status_code == 201, r.data
    assert r.data["ack_due_at"] == "2026-11-25T11:00:00+08:00"
    assert r.data["resolve_due_at"] == "2026-12-02T09:00:00+08:00"  # 168 calendar hours
    # the leadership group hears of a forwarded complaint at once
    assert Notification.objects.filter(recipient=users["leader"], kind="complaint.forwarded").exists()
    assert not Notification.objects.filter(recipient=users["manager"], kind="complaint.forwarded").exists()
    r = api(users["counter"]).post(URL, {**walk_in, "severity": "major"}, format="json")
    assert r.data["resolve_due_at"] == "2026-12-09T23:59:59+08:00"  # 10 working days


@time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=SH), tick=False)
def test_a_letter_received_earlier_counts_from_its_receipt(api, users, walk_in):
    body = {**walk_in, "channel": "letter", "received_at": "2026-11-20T15:00:00+08:00"}
    r = api(users["counter"]).post(URL, body, format="json")
    assert r.status_code == 201, r.data
    assert r.data["received_at"] == "2026-11-20T15:00:00+08:00"
    assert r.data["resolve_due_at"] == "2026-11-27T23:59:59+08:00"
    assert r.data["sla_state"] == "breached"  # the 24-hour first contact is already past


@time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=SH), tick=False)
def test_a_counter_complaint_is_received_now_whatever_the_form_says(api, users, walk_in):
    r = api(users["counter"]).post(URL, {**walk_in, "received_at": "2026-11-01T09:00:00+08:00"}, format="json")
    assert r.data["received_at"] == "2026-11-25T09:00:00+08:00"


@pytest.mark.parametrize("change,field", [
    ({"category": "no.such"}, "category"),
    ({"category": "service"}, "category"),  # a class, not an item
    ({"complainant_phone": ""}, "complainant_phone"),
    ({"complainant_name": ""}, "complainant_name"),
    ({"description": "长" * 5001}, "description"),
    ({"description": ""}, "description"),
    ({"channel": "phone", "received_at": "2099-01-01T09:00:00+08:00"}, "received_at"),
    ({"channel": "fax"}, "channel"),
    ({"complainant_phone": "abc"}, "complainant_phone"),
])
def test_bad_input_is_refused_naming_the_field(api, users, walk_in, change, field):
    r = api(users["counter"]).post(URL, {**walk_in, **change}, format="json")
    assert r.status_code == 400, r.data
    assert field in r.data
    assert not Complaint.objects.exists()


def test_counter_staff_cannot_register_a_complaint_for_another_stations_customer(api, users, other_station, walk_in):
    foreign = CustomerFactory(station=other_station)
    r = api(users["counter"]).post(URL, {**walk_in, "customer": foreign.pk}, format="json")
    assert r.status_code == 400
    assert "customer" in r.data


def test_an_anonymous_complaint_needs_no_name_or_phone(api, users, walk_in):
    r = api(users["counter"]).post(URL, {**walk_in, "anonymous": True, "complainant_name": "某人",
                                         "complainant_phone": ""}, format="json")
    assert r.status_code == 201, r.data
    assert r.data["anonymous"] is True and r.data["complainant_name"] == ""


def test_crews_and_account_managers_cannot_register_complaints(api, users, walk_in):
    assert api(users["crew"]).post(URL, walk_in, format="json").status_code == 403
    assert api(users["account_manager"]).post(URL, walk_in, format="json").status_code == 403


def test_counter_staff_may_acknowledge_on_the_spot(api, users, walk_in):
    r = api(users["counter"]).post(URL, {**walk_in, "acknowledge_now": True, "ack_note": "当场解释清楚"},
                                   format="json")
    assert r.data["status"] == "acknowledged"
    assert r.data["acknowledged_at"] is not None
    assert ComplaintEvent.objects.filter(kind="acknowledged", data__how="at_counter").count() == 1


def test_the_same_phone_within_30_days_is_a_repeat_and_the_third_warns_managers(api, users, walk_in):
    client = api(users["counter"])
    first = client.post(URL, walk_in, format="json").data
    second = client.post(URL, walk_in, format="json").data
    assert second["repeat_of"] == first["number"]
    assert not Notification.objects.filter(kind="complaint.repeat_warning").exists()
    third = client.post(URL, walk_in, format="json").data
    assert third["repeat_of"] == second["number"]
    assert ComplaintEvent.objects.filter(complaint_id=third["id"], kind="repeat_warning").exists()
    warned = set(Notification.objects.filter(kind="complaint.repeat_warning").values_list("recipient__username",
                                                                                            flat=True))
    assert warned == {"manager1", "leader1"}


def test_a_complaint_from_41_days_ago_is_not_a_repeat(api, users, walk_in):
    with time_machine.travel(datetime(2026, 10, 15, 9, 0, tzinfo=SH), tick=False):
        api(users["counter"]).post(URL, walk_in, format="json")
    with time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=SH), tick=False):
        r = api(users["counter"]).post(URL, walk_in, format="json")
    assert r.data["repeat_of"] is None


def test_the_account_manager_of_a_gold_customer_is_told_at_once(api, users, station, walk_in):
    customer = CustomerFactory(station=station, grade="B", account_manager=users["account_manager"])
    api(users["counter"]).post(URL, {**walk_in, "customer": customer.pk}, format="json")
    n = Notification.objects.get(recipient=users["account_manager"], kind="complaint.customer_complained")
    assert n.urgent and customer.name in n.subject


# PostgreSQL writes a new complaint's events and its deadline rows in one statement (a
# data-modifying WITH, clock.engine.write_new); SQLite has no such statement and needs two.
SQLITE_EXTRA = 0 if connection.vendor == "postgresql" else 1
# SPEC §12: an intake for a customer asks whether an active outage covers them (core.registry
# order_taken -> outages.selectors.active_outage_for): at most one query more (tests/outages/test_intake_link.py)
OUTAGE_LOOKUP = 1


def test_intake_runs_in_at_most_8_queries_and_the_outage_lookup(api, users, station, walk_in,
                                                               django_assert_max_num_queries):
    """The customer, earlier complaints (repeats), the number (one upsert, outside the transaction),
    then savepoint, complaint, events (one INSERT), notifications (one INSERT), release. A server
    adds the token, roles and station of the user, which the test client keeps on the user."""
    customer = CustomerFactory(station=station, grade="A", account_manager=users["account_manager"])
    client = api(users["counter"])
    client.post(URL, walk_in, format="json")  # warm the calendar cache like a running server
    with django_assert_max_num_queries(8 + OUTAGE_LOOKUP + SQLITE_EXTRA):
        r = client.post(URL, {**walk_in, "customer": customer.pk, "acknowledge_now": True}, format="json")
    assert r.status_code == 201
    assert ComplaintEvent.objects.filter(complaint_id=r.data["id"]).count() == 2  # received, acknowledged
    assert Notification.objects.filter(kind="complaint.customer_complained", recipient=users["account_manager"]).exists()


def test_a_repeat_warning_costs_one_more_query_and_the_answer_names_the_repeat(api, users, walk_in,
                                                                               django_assert_max_num_queries):
    client = api(users["counter"])
    first, second = (client.post(URL, walk_in, format="json").data for _ in range(2))
    # + the managers; the walk-in's station for the answer (no customer brought it)
    with django_assert_max_num_queries(9 + SQLITE_EXTRA):
        r = client.post(URL, walk_in, format="json")
    assert r.data["repeat_of"] == second["number"]
    events = list(ComplaintEvent.objects.filter(complaint_id=r.data["id"]).order_by("id"))
    assert [e.kind for e in events] == ["received", "repeat_warning"]
    assert events[0].data["repeat_of"] == second["number"]
    assert events[1].data["earlier"] == [second["number"], first["number"]]


def test_numbers_continue_the_daily_sequence(api, users, walk_in):
    client = api(users["counter"])
    numbers = [client.post(URL, {**walk_in, "complainant_phone": f"1380000{i:04d}"}, format="json").data["number"]
               for i in range(3)]
    assert [n[-4:] for n in numbers] == ["0001", "0002", "0003"]


def test_a_handler_of_another_station_is_refused(api, users, walk_in):
    StaffFactory(username="h3", role="handler", station=None)
    r = api(users["counter"]).post(URL, {**walk_in, "station": "S02"}, format="json")
    assert r.status_code == 400 and "station" in r.data


def test_a_failed_intake_stores_nothing_and_leaves_a_gap_in_the_numbers(api, users, walk_in, monkeypatch):
    """The number is drawn in its own transaction before the complaint's (README): unique, not gapless."""
    import complaints.services

    client = api(users["counter"])
    assert client.post(URL, walk_in, format="json").data["number"].endswith("0001")

    def broken(*args, **kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(complaints.services, "notify_many", broken)
    with pytest.raises(RuntimeError):
        client.post(URL, {**walk_in, "complainant_phone": "13800002222"}, format="json")
    assert Complaint.objects.count() == 1
    assert not ComplaintEvent.objects.filter(complaint__complainant_phone="13800002222").exists()
    monkeypatch.undo()
    assert client.post(URL, {**walk_in, "complainant_phone": "13800003333"}, format="json").data["number"].endswith(
        "0003")


def test_a_category_deactivated_in_admin_is_refused_at_once(api, users, walk_in, category):
    client = api(users["counter"])
    assert client.post(URL, walk_in, format="json").status_code == 201  # the category cache is warm
    category.active = False
    category.save()  # the signal drops the cache
    r = client.post(URL, walk_in, format="json")
    assert r.status_code == 400 and "category" in r.data


def test_a_stale_cache_never_refuses_a_category(api, users, walk_in, category):
    """Another process reactivated the category (no signal here): the cache still says inactive,
    so the database is asked before refusing."""
    from complaints.models import ComplaintCategory

    category.active = False
    category.save()
    assert api(users["counter"]).post(URL, walk_in, format="json").status_code == 400  # cached as inactive
    ComplaintCategory.objects.filter(pk=category.pk).update(active=True)
    r = api(users["counter"]).post(URL, walk_in, format="json")
    assert r.status_code == 201, r.data
    assert r.data["category"] == category.code
