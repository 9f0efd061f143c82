"""/api/v1/grading/runs/, /api/v1/grading/changes/, /api/v1/customers/{id}/visits/."""

import datetime

import pytest

from customers.models import Customer
from grading import services
from grading.models import GradeRun
from tests.customers.factories import CustomerFactory, StaffFactory
from tests.helpers import role_matrix

from .conftest import OCTOBER
from .factories import VisitFactory

D = datetime.date


@pytest.fixture
def graded(station, other_station, users, small_policy, at_run_moment):
    am = users["account_manager"]
    mine = CustomerFactory(station=station, account_manager=am, dual_power_supply=True)
    other = CustomerFactory(station=other_station, has_pv=True)
    CustomerFactory(station=station)
    run, _ = services.reevaluate_grades(period=OCTOBER)
    return run, mine, other


@pytest.mark.parametrize(("role", "status"), [
    ("manager", 200), ("admin", 200), ("account_manager", 200), ("counter", 403), ("handler", 403), ("crew", 403),
])
def test_who_reads_runs(graded, users, api, role, status):
    assert api(users[role]).get("/api/v1/grading/runs/").status_code == status


def test_run_detail_carries_the_counts_and_mismatches(graded, users, api):
    run = graded[0]
    body = api(users["manager"]).get(f"/api/v1/grading/runs/{run.pk}/").json()
    assert body["period"] == "2026-10-01" and body["status"] == "done"
    assert (body["total"], body["up"], body["down"], body["unchanged"]) == (3, 2, 0, 1)
    assert body["held_by_lock"] == 0 and body["held_by_hysteresis"] == 0
    assert body["mismatch_count"] == 1 and body["mismatches"][0]["grade"] == "B"   # `other` has nobody


@role_matrix({"counter": 403, "handler": 403, "account_manager": 403, "crew": 403})
def test_only_managers_start_runs(users, api, role, expected, at_run_moment):
    assert api(users[role]).post("/api/v1/grading/runs/", {"period": "2026-10"}, format="json").status_code == expected


def test_a_manager_starts_a_dry_run_which_a_worker_executes(users, api, station, at_run_moment,
                                                            django_capture_on_commit_callbacks):
    CustomerFactory(station=station, dual_power_supply=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        resp = api(users["manager"]).post("/api/v1/grading/runs/", {"period": "2026-10", "dry_run": True},
                                          format="json")
    assert resp.status_code == 202 and resp.json()["status"] == "pending" and resp.json()["dry_run"] is True
    assert len(callbacks) == 1                        # the task is enqueued after commit
    run = GradeRun.objects.get(pk=resp.json()["id"])
    services.grade_run_execute(run=run)               # what the worker does with run_id
    run.refresh_from_db()
    assert run.status == "done" and run.up == 1 and Customer.objects.get().grade == "C"


def test_starting_a_period_that_already_ran_returns_that_run(graded, users, api, django_capture_on_commit_callbacks):
    run = graded[0]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        resp = api(users["manager"]).post("/api/v1/grading/runs/", {"period": "2026-10"}, format="json")
    assert resp.status_code == 200 and resp.json()["id"] == run.pk and not callbacks


def test_a_bad_period_is_a_field_error(users, api, at_run_moment):
    client = api(users["manager"])
    assert client.post("/api/v1/grading/runs/", {"period": "Oct"}, format="json").json().keys() == {"period"}
    resp = client.post("/api/v1/grading/runs/", {"period": "2026-11"}, format="json")
    assert resp.status_code == 400 and "period" in resp.json()


def test_changes_filter_by_run_customer_and_direction_within_scope(graded, users, api, django_assert_max_num_queries):
    run, mine, other = graded
    manager = api(users["manager"])
    assert manager.get("/api/v1/grading/changes/", {"run": run.pk}).json()["count"] == 2
    assert manager.get("/api/v1/grading/changes/", {"direction": "down"}).json()["count"] == 0
    rows = manager.get("/api/v1/grading/changes/", {"customer": mine.pk, "direction": "up"}).json()["results"]
    assert [(r["customer_account_no"], r["old_grade"], r["new_grade"], r["reasons"]) for r in rows] == [
        (mine.account_no, "C", "A", ["dual_power_supply", "no_consumption"])]
    # an account manager sees the changes of their own customers only
    with django_assert_max_num_queries(6):   # session user, roles, count, page (run + customer joined)
        mine_only = api(users["account_manager"]).get("/api/v1/grading/changes/").json()
    assert [r["customer"] for r in mine_only["results"]] == [mine.pk]


def test_visits_under_the_customer(graded, users, api, django_assert_max_num_queries):
    _run, mine, other = graded
    am = users["account_manager"]
    VisitFactory.create_batch(3, customer=mine, account_manager=am)
    with django_assert_max_num_queries(6):   # roles, customer (scoped), count, page with managers joined
        body = api(am).get(f"/api/v1/customers/{mine.pk}/visits/").json()
    assert body["count"] == 3 and body["results"][0]["account_manager"] == "am1"
    resp = api(am).post(f"/api/v1/customers/{mine.pk}/visits/",
                        {"kind": "safety", "date": "2026-10-31", "notes": "配电房"}, format="json")
    assert resp.status_code == 201 and resp.json()["kind"] == "safety"
    future = api(am).post(f"/api/v1/customers/{mine.pk}/visits/", {"date": "2026-12-01"}, format="json")
    assert future.status_code == 400 and "date" in future.json()
    # out of scope: another station's customer is 404 for the account manager, and for a counter
    assert api(am).get(f"/api/v1/customers/{other.pk}/visits/").status_code == 404
    assert api(users["other_counter"]).get(f"/api/v1/customers/{mine.pk}/visits/").status_code == 404
    # in scope but not theirs to record: counter staff of the station may read, not write
    counter = api(users["counter"])
    assert counter.get(f"/api/v1/customers/{mine.pk}/visits/").status_code == 200
    assert counter.post(f"/api/v1/customers/{mine.pk}/visits/", {"date": "2026-10-30"},
                        format="json").status_code == 403
    # a manager records for anyone
    assert api(users["manager"]).post(f"/api/v1/customers/{other.pk}/visits/", {"date": "2026-10-30"},
                                      format="json").status_code == 201


def test_another_account_manager_cannot_see_my_customers_visits(graded, users, api):
    _run, mine, _other = graded
    stranger = StaffFactory(username="am9", role="account_manager", station=mine.station, tier="chief")
    assert api(stranger).get(f"/api/v1/customers/{mine.pk}/visits/").status_code == 404
