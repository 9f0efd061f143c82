"""The outage API: scope per role, filters, create and actions (400 naming the field, 403, 404,
409), the public list without sign-in and without personal data, throttled."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from outages import services
from outages.models import Outage

pytestmark = pytest.mark.django_db

LATER = lambda hours: (timezone.now() + timedelta(hours=hours)).isoformat()  # noqa: E731


def create(api, user, **body):
    return api(user).post("/api/v1/outages/", {"kind": "fault", "cause": "10kV线路故障跳闸", **body}, format="json")


def test_a_dispatcher_opens_a_fault_outage_on_a_line(api, users, grid):
    r = create(api, users["handler"], lines=["L01"], estimated_restore_at=LATER(3))
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["status"] == "in_progress" and body["customers_affected"] == 4
    assert [x["code"] for x in body["lines"]] == ["L01"]
    assert body["allowed_actions"] == ["update-estimate", "restore"]


@pytest.mark.parametrize(("body", "field"), [
    ({"lines": [], "areas": []}, "lines"),
    ({"lines": ["NOPE"]}, "lines"),
    ({"areas": ["T09"]}, "areas"),
    ({"lines": ["L01"], "estimated_restore_at": "2020-01-01T08:00:00+08:00"}, "estimated_restore_at"),
    ({"lines": ["L01"], "kind": "planned"}, "planned_start"),
    ({"lines": ["L01"], "kind": "nonsense"}, "kind"),
    ({"lines": ["L01"], "station": "ZZ"}, "station"),
    ({"lines": ["L01"], "started_at": "yesterday"}, "started_at"),
])
def test_bad_input_is_a_400_naming_the_field(api, users, grid, body, field):
    r = create(api, users["handler"], **body)
    assert r.status_code == 400, r.json()
    assert field in r.json()


def test_restore_before_the_start_is_a_400_and_restoring_a_cancelled_outage_a_409(api, users, grid):
    fault = create(api, users["handler"], lines=["L01"]).json()
    r = api(users["handler"]).post(f"/api/v1/outages/{fault['id']}/restore/",
                                   {"restored_at": "2020-01-01T00:00:00Z"}, format="json")
    assert r.status_code == 400 and "restored_at" in r.json()
    planned = create(api, users["handler"], kind="planned", lines=["L02"], planned_start=LATER(200)).json()
    r = api(users["handler"]).post(f"/api/v1/outages/{planned['id']}/cancel/", {"reason": "改期"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    r = api(users["handler"]).post(f"/api/v1/outages/{planned['id']}/restore/", {}, format="json")
    assert r.status_code == 409
    assert r.json()["allowed_actions"] == [] and r.json()["status"] == "cancelled"


def test_a_stale_version_is_a_409(api, users, grid):
    fault = create(api, users["handler"], lines=["L01"]).json()
    r = api(users["handler"]).post(f"/api/v1/outages/{fault['id']}/update-estimate/",
                                   {"estimated_restore_at": LATER(4), "reason": "查找故障点", "version": 1},
                                   format="json")
    assert r.status_code == 200 and r.json()["version"] == 2
    r = api(users["handler"]).post(f"/api/v1/outages/{fault['id']}/restore/", {"version": 1}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "stale_version"


def test_the_detail_shows_estimate_changes_and_the_timeline(api, users, grid):
    fault = create(api, users["handler"], lines=["L01"]).json()
    api(users["handler"]).post(f"/api/v1/outages/{fault['id']}/update-estimate/",
                               {"estimated_restore_at": LATER(4), "reason": "查找故障点"}, format="json")
    body = api(users["counter"]).get(f"/api/v1/outages/{fault['id']}/").json()
    assert [c["reason"] for c in body["estimate_changes"]] == ["查找故障点"]
    assert [e["kind"] for e in body["events"]] == ["created", "estimate_changed"]
    assert body["allowed_actions"] == []  # counter staff see it, may not act


def test_scope_per_role(api, users, grid):
    fault = create(api, users["handler"], lines=["L01"]).json()
    assert api(users["counter"]).get("/api/v1/outages/").json()["count"] == 1
    assert api(users["manager"]).get("/api/v1/outages/").json()["count"] == 1
    assert api(users["other_handler"]).get("/api/v1/outages/").json()["count"] == 0
    assert api(users["crew"]).get("/api/v1/outages/").json()["count"] == 0
    assert api(users["other_handler"]).get(f"/api/v1/outages/{fault['id']}/").status_code == 404
    assert api(users["other_handler"]).post(f"/api/v1/outages/{fault['id']}/restore/", {}).status_code == 404
    assert api(users["counter"]).post(f"/api/v1/outages/{fault['id']}/restore/", {}).status_code == 403
    assert create(api, users["counter"], lines=["L01"]).status_code == 403
    assert api().get("/api/v1/outages/").status_code == 401


def test_filters(api, users, grid):
    create(api, users["handler"], lines=["L01"])
    create(api, users["handler"], kind="planned", areas=["T03"], planned_start=LATER(200))
    get = lambda q: [o["kind"] for o in api(users["manager"]).get(f"/api/v1/outages/?{q}").json()["results"]]  # noqa: E731
    assert get("kind=fault") == ["fault"]
    assert get("status=announced") == ["planned"]
    assert get("line=L01") == ["fault"]
    assert get("area=T03") == ["planned"]
    assert sorted(get("station=S01")) == ["fault", "planned"]
    assert get("station=S02") == []


def test_list_query_budget(api, users, grid, django_assert_max_num_queries):
    for _ in range(5):
        create(api, users["handler"], lines=["L01"], areas=["T03"])
    client = api(users["manager"])
    # session/user roles (2), count, page, prefetch lines, prefetch areas
    with django_assert_max_num_queries(7):
        r = client.get("/api/v1/outages/")
    assert r.json()["count"] == 5


def test_linking_an_order_and_resolving_linked_complaints_at_once(api, users, grid):
    from tests.outages.test_services import intake

    fault = create(api, users["handler"], lines=["L01"]).json()
    complaints = [intake(grid.customers[k], users) for k in ("c1", "c2")]
    for c in complaints:
        r = api(users["counter"]).post(f"/api/v1/outages/{fault['id']}/link/",
                                       {"subject_type": "complaint", "subject_id": c.pk}, format="json")
        assert r.status_code == 201
    r = api(users["counter"]).post(f"/api/v1/outages/{fault['id']}/link/",
                                   {"subject_type": "complaint", "subject_id": 10**9}, format="json")
    assert r.status_code == 400 and "subject_id" in r.json()
    assert api(users["handler"]).post(f"/api/v1/outages/{fault['id']}/restore/", {}).status_code == 200
    r = api(users["handler"]).post(f"/api/v1/outages/{fault['id']}/resolve-complaints/",
                                   {"verified": True, "utility_responsible": True}, format="json")
    assert r.status_code == 200
    assert [x["ok"] for x in r.json()["results"]] == [True, True]


def test_the_public_list_needs_no_sign_in_and_shows_no_personal_data(api, users, grid):
    services.outage_create(by=users["handler"], kind="fault", cause="线路故障", lines=["L01"])
    services.outage_create(by=users["handler"], kind="planned", cause="检修", areas=["T03"],
                           planned_start=timezone.now() + timedelta(days=9))
    old = services.outage_create(by=users["handler"], kind="fault", cause="旧故障", areas=["T02"])
    services.outage_restore(outage=old, by=users["handler"])
    Outage.objects.filter(pk=old.pk).update(restored_at=timezone.now() - timedelta(days=3))
    r = api().get("/api/v1/public/outages/")
    assert r.status_code == 200
    body = r.json()
    assert sorted(o["kind"] for o in body["results"]) == ["fault", "planned"]  # restored 3 days ago: gone
    text = json.dumps(body, ensure_ascii=False)
    for customer in grid.customers.values():
        for value in (customer.name, customer.account_no, customer.address, customer.phone):
            if value:
                assert value not in text, value
    assert "13900000001" not in text and "handler1" not in text
    assert set(body["results"][0]) == {"number", "kind", "kind_label", "status", "status_label", "station",
                                       "scope_name", "areas", "cause", "planned_start", "started_at",
                                       "estimated_restore_at", "restored_at", "customers_affected"}
    by_area = api().get("/api/v1/public/outages/?area=T03").json()["results"]
    assert [o["kind"] for o in by_area] == ["planned"]
    assert api().get("/api/v1/public/outages/?area=幸福小区3").json()["count"] == 1


def test_the_public_list_is_throttled_per_address(api, settings, grid):
    cache.clear()
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "public": "3/minute"}
    codes = [api().get("/api/v1/public/outages/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    cache.clear()


def test_an_outage_answers_its_notice_deadline_row(api, users, grid):
    body = create(api, users["handler"], kind="planned", lines=["L02"], planned_start=LATER(24 * 6)).json()
    assert [(d["kind"], d["breached"], d["met_at"]) for d in body["deadlines"]] == [("notice", False, None)]
    listed = api(users["manager"]).get("/api/v1/outages/").json()["results"][0]
    assert listed["deadlines"][0]["kind"] == "notice"
