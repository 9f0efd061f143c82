"""/api/v1/tickets/: every kind, the `kind` and `subtype` filters with the complaint filters, and
constant queries at any page size."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clock.engine import sync
from complaints.models import Complaint

from .conftest import URL

pytestmark = pytest.mark.django_db

BODIES = {
    "complaint": {"category": "service.attitude"}, "report": {}, "opinion": {}, "suggestion": {}, "enquiry": {},
    "praise": {}, "service": {"service_type": "meter_fault"}, "repair": {"address": "东风路1号"},
}


@pytest.fixture
def one_of_each(api, users, caller):
    out = {}
    for kind, extra in BODIES.items():
        r = api(users["counter"]).post(URL, {**caller, "kind": kind, "description": f"{kind} 来电", **extra},
                                       format="json")
        assert r.status_code == 201, r.data
        out[kind] = r.data
    return out


def test_the_list_holds_every_kind_and_filters_by_kind(api, users, one_of_each):
    client = api(users["manager"])
    assert client.get(URL).data["count"] == len(BODIES)
    for kind, data in one_of_each.items():
        rows = client.get(URL, {"kind": kind}).data["results"]
        assert [row["number"] for row in rows] == [data["number"]]
    assert [r["kind"] for r in client.get(URL, {"subtype": "meter_fault"}).data["results"]] == ["service"]
    assert client.get(URL, {"kind": "parcel"}).status_code == 400


def test_the_complaint_filters_apply_to_every_kind(api, users, one_of_each):
    client = api(users["manager"])
    late = one_of_each["report"]
    past = timezone.now() - timedelta(days=3)
    Complaint.all_kinds.filter(pk=late["id"]).update(ack_due_at=past, ack_warn_at=past - timedelta(hours=1))
    sync(Complaint.all_kinds.get(pk=late["id"]), subject_type="complaint")
    assert [r["number"] for r in client.get(URL, {"breached": "true"}).data["results"]] == [late["number"]]
    assert client.get(URL, {"breached": "true", "kind": "report"}).data["count"] == 1
    assert client.get(URL, {"breached": "true", "kind": "enquiry"}).data["count"] == 0
    assert client.get(URL, {"station": "S01", "kind": "repair"}).data["count"] == 1
    assert client.get(URL, {"station": "S02"}).data["count"] == 0
    assert client.get(URL, {"category": "service.attitude"}).data["count"] == 1
    assert client.get(URL, {"channel": "phone", "status": "received"}).data["count"] == len(BODIES)


@pytest.mark.parametrize("page_size", [1, 50])
def test_the_list_costs_the_same_queries_at_any_page_size(api, users, one_of_each, page_size,
                                                           django_assert_max_num_queries):
    client = api(users["manager"])
    client.get(URL)  # the user's roles, the session: not the list's
    # the count, the page (customer, category, station, handler and repeat joined; the deadline
    # rows and the repair work order as subqueries of the page), the user's roles
    with django_assert_max_num_queries(3):
        r = client.get(URL, {"page_size": page_size})
    assert len(r.data["results"]) == min(page_size, len(BODIES))
    repair = next(row for row in client.get(URL, {"kind": "repair"}).data["results"])
    assert repair["work_order"] and repair["deadlines"]


@pytest.mark.parametrize("kind", list(BODIES))
def test_the_list_of_each_kind_costs_pinned_queries(api, users, one_of_each, kind, django_assert_max_num_queries):
    """Every kind's list (`?kind=`), alone and with the station and status filters a station's
    list uses, for a manager and for a handler (scoped to the station): the count, the page, the
    user's roles, and the station looked up by its code when filtered by it, at any page size
    (bench/scenarios/ticket_list.py times these at full scale)."""
    for user in (users["manager"], users["handler"]):
        client = api(user)
        client.get(URL)  # the session, not the list's
        for params, budget in (({"kind": kind}, 3), ({"kind": kind, "station": "S01"}, 4),
                               ({"kind": kind, "station": "S01", "status": "received"}, 4)):
            for page_size in (1, 50):
                with django_assert_max_num_queries(budget):
                    r = client.get(URL, {**params, "page_size": page_size})
                assert r.status_code == 200, r.data
                assert [row["kind"] for row in r.data["results"]] == [kind]
