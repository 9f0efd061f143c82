"""The work-order and crew API (SPEC §7): transitions, versions, idempotency, evidence, scoping."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from customers.privacy import mask_phone
from tests.complaints.factories import ComplaintFactory
from tests.customers.factories import CustomerFactory
from tests.helpers import role_matrix
from tests.workorders.factories import CrewFactory, WorkOrderFactory
from tests.workorders.helpers import heic_bytes, jpeg_bytes, png_bytes, upload
from workorders import services
from workorders.models import Crew, IdempotencyKey, WorkOrder, WorkOrderEvent, WorkOrderPhoto

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
URL = "/api/v1/work-orders/"


def act(client, order, verb, key=None, **body):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"{URL}{order.pk}/{verb}/", body, format="json", **headers)


# --- create ---------------------------------------------------------------------------------------

def test_handler_creates_a_repair_from_a_complaint(api, users, station):
    complaint = ComplaintFactory(station=station)
    resp = api(users["handler"]).post(URL, {"kind": "repair", "complaint": complaint.number}, format="json")
    assert resp.status_code == 201, resp.json()
    body = resp.json()
    assert body["number"].startswith("GD") and len(body["number"]) == 14
    assert body["complaint_number"] == complaint.number
    assert body["customer_account_no"] == complaint.customer.account_no
    assert body["status"] == "created" and body["version"] == 1
    assert body["arrive_due_at"].endswith("+08:00")
    assert complaint.events.filter(kind="work_order_created", data__work_order=body["number"]).exists()


def test_handler_of_another_station_cannot_create_from_the_complaint(api, users, station):
    complaint = ComplaintFactory(station=station)
    resp = api(users["other_handler"]).post(URL, {"complaint": complaint.number}, format="json")
    assert resp.status_code == 400 and "complaint" in resp.json()


@role_matrix({"counter": 403, "crew": 403, "account_manager": 403})
def test_only_handlers_and_managers_create(api, users, station, role, expected):
    resp = api(users[role]).post(URL, {"station": "S01", "address": "城东路1号"}, format="json")
    assert resp.status_code == expected
    assert not WorkOrder.objects.exists()


def test_manager_creates_a_survey_with_a_due_date(api, users, station):
    due = (timezone.now() + timedelta(days=3)).isoformat()
    resp = api(users["manager"]).post(URL, {"kind": "survey", "station": "S01", "address": "城东路1号",
                                            "due_at": due}, format="json")
    assert resp.status_code == 201
    assert resp.json()["due_at"] is not None and resp.json()["arrive_due_at"] is None


# --- transitions ----------------------------------------------------------------------------------

def test_crew_walks_an_order_from_dispatched_to_completed(api, users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched")
    client = api(users["crew"])
    for version, verb, body in [(1, "accept", {}), (2, "depart", {}),
                                (3, "arrive", {"lat": "30.1", "lng": "120.2"}),
                                (4, "complete", {"notes": "更换熔断器。"})]:
        resp = act(client, order, verb, version=version, **body)
        assert resp.status_code == 200, resp.json()
    body = resp.json()
    assert body["status"] == "completed" and body["version"] == 5
    assert body["notes"] == "更换熔断器。" and body["arrival_lat"] == "30.100000"
    assert body["allowed_actions"] == [] and body["next_action"] is None


def test_wrong_transition_answers_409_with_the_allowed_ones(api, users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="accepted")
    resp = act(api(users["crew"]), order, "complete", version=1, notes="x")
    assert resp.status_code == 409
    assert resp.json()["allowed_actions"] == ["cancel", "depart"]
    assert resp.json()["status"] == "accepted"


def test_stale_version_answers_409_with_the_current_state_and_changes_nothing(api, users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched")
    services.work_order_accept(work_order=order, by=users["crew"], version=1)  # a crew mate was first
    events = WorkOrderEvent.objects.count()
    resp = act(api(users["handler"]), order, "cancel", version=1, reason="重复工单")
    assert resp.status_code == 409
    body = resp.json()
    assert body["code"] == "stale_version"
    assert body["current"]["status"] == "accepted" and body["current"]["version"] == 2
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert (fresh.status, fresh.version, fresh.cancel_reason) == ("accepted", 2, "")
    assert WorkOrderEvent.objects.count() == events


def test_version_is_required(api, users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched")
    resp = act(api(users["crew"]), order, "accept")
    assert resp.status_code == 400 and "version" in resp.json()


def test_replayed_idempotency_key_returns_the_first_answer_and_acts_once(api, users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched")
    client = api(users["crew"])
    first = act(client, order, "accept", key="tablet-7f3a", version=1, client_time="2026-11-25T09:58:00+08:00")
    again = act(client, order, "accept", key="tablet-7f3a", version=1, client_time="2026-11-25T09:58:00+08:00")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert WorkOrderEvent.objects.filter(work_order=order, kind="accept").count() == 1
    assert WorkOrder.objects.get(pk=order.pk).version == 2
    assert first.json()["client_accepted_at"] == "2026-11-25T09:58:00+08:00"
    assert IdempotencyKey.objects.filter(key="tablet-7f3a").count() == 1


def test_an_idempotency_key_reused_for_another_request_is_refused(api, users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched")
    client = api(users["crew"])
    assert act(client, order, "accept", key="k1", version=1).status_code == 200
    resp = act(client, order, "depart", key="k1", version=2)
    assert resp.status_code == 400 and "Idempotency-Key" in resp.json()
    assert WorkOrder.objects.get(pk=order.pk).status == "accepted"


def test_a_refused_request_is_not_remembered(api, users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="on_site")
    client = api(users["crew"])
    assert act(client, order, "complete", key="k2", version=1).status_code == 400
    resp = act(client, order, "complete", key="k2", version=1, notes="已恢复供电")
    assert resp.status_code == 200 and resp.json()["status"] == "completed"


def test_keys_are_per_user(api, users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched")
    assert act(api(users["crew"]), order, "accept", key="same", version=1).status_code == 200
    other = WorkOrderFactory(station=station, crew=crew, status="dispatched")
    assert act(api(users["handler"]), other, "accept", key="same", version=1).status_code == 200
    assert WorkOrder.objects.get(pk=other.pk).status == "accepted"


def test_late_arrival_names_the_missing_field(api, users, station, crew):
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=SH), tick=False):
        order = WorkOrderFactory(station=station, crew=crew, status="en_route")
    client = api(users["crew"])
    with time_machine.travel(datetime(2026, 11, 25, 11, 30, tzinfo=SH), tick=False):
        resp = act(client, order, "arrive", version=1)
        assert resp.status_code == 400 and list(resp.json()) == ["delay_reason"]
        resp = act(client, order, "arrive", version=1, delay_reason="山路塌方")
        assert resp.status_code == 400 and list(resp.json()) == ["customer_informed"]
        resp = act(client, order, "arrive", version=1, delay_reason="山路塌方", customer_informed=False)
    assert resp.status_code == 200
    assert resp.json()["arrive_breached"] is True and resp.json()["customer_informed"] is False


def test_completion_without_notes_names_the_field(api, users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="on_site")
    resp = act(api(users["crew"]), order, "complete", version=1)
    assert resp.status_code == 400 and "notes" in resp.json()


def test_dispatch_by_crew_name(api, users, station, crew, other_crew):
    order = WorkOrderFactory(station=station)
    client = api(users["handler"])
    assert act(client, order, "dispatch", version=1, crew=other_crew.name).status_code == 400
    resp = act(client, order, "dispatch", version=1, crew=crew.name)
    assert resp.status_code == 200 and resp.json()["crew"] == crew.name


def test_crew_cannot_dispatch_or_cancel(api, users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched")
    assert act(api(users["crew"]), order, "cancel", version=1, reason="x").status_code == 403
    assert act(api(users["crew"]), order, "dispatch", version=1, crew=crew.name).status_code == 403


# --- photos ---------------------------------------------------------------------------------------

def photo_post(client, order, f, **extra):
    return client.post(f"{URL}{order.pk}/photos/", {"photo": f, **extra}, format="multipart")


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("a.jpg", jpeg_bytes(), "image/jpeg"),
    ("b.png", png_bytes(), "image/png"),
    ("IMG_0001.HEIC", heic_bytes(), "image/heic"),
    ("no-extension", jpeg_bytes(), "image/jpeg"),
])
def test_photos_are_accepted_by_content(api, users, station, crew, name, content, kind):
    order = WorkOrderFactory(station=station, crew=crew, status="on_site")
    resp = photo_post(api(users["crew"]), order, upload(name, content, "application/octet-stream"))
    assert resp.status_code == 201, resp.json()
    assert resp.json()["content_type"] == kind
    photo = WorkOrderPhoto.objects.get()
    assert photo.file.name.endswith({"image/jpeg": ".jpg", "image/png": ".png", "image/heic": ".heic"}[kind])
    assert photo.file.read() == content
    assert WorkOrderEvent.objects.filter(work_order=order, kind="photo_added").count() == 1
    assert WorkOrder.objects.get(pk=order.pk).version == 1  # evidence does not make others' steps stale


def test_a_renamed_text_file_is_refused(api, users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="on_site")
    resp = photo_post(api(users["crew"]), order, upload("photo.jpg", b"just some text, not a photo\n" * 20))
    assert resp.status_code == 400
    assert "JPEG" in resp.json()["photo"][0] and "HEIC" in resp.json()["photo"][0]
    assert not WorkOrderPhoto.objects.exists()


def test_a_jpeg_header_on_garbage_is_refused(api, users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="on_site")
    resp = photo_post(api(users["crew"]), order, upload("x.jpg", b"\xff\xd8\xff\xe0" + b"garbage" * 100))
    assert resp.status_code == 400 and "photo" in resp.json()


def test_an_11_mb_photo_is_refused(api, users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="on_site")
    big = jpeg_bytes() + b"\x00" * (11 * 1024 * 1024)
    resp = photo_post(api(users["crew"]), order, upload("big.jpg", big))
    assert resp.status_code == 400
    assert "10 MB" in resp.json()["photo"][0]
    assert not WorkOrderPhoto.objects.exists()


def test_the_11th_photo_is_refused(api, users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="on_site")
    for i in range(10):
        services.work_order_add_photo(work_order=order, by=users["crew"], upload=upload(f"{i}.png", png_bytes()))
    resp = photo_post(api(users["crew"]), order, upload("11.jpg"))
    assert resp.status_code == 400
    assert "10" in resp.json()["photo"][0]
    assert WorkOrderPhoto.objects.count() == 10


def test_photos_only_while_the_order_is_worked_on(api, users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="completed")
    assert photo_post(api(users["crew"]), order, upload()).status_code == 409


def test_a_replayed_photo_upload_stores_one_photo(api, users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="on_site")
    client = api(users["crew"])
    first = client.post(f"{URL}{order.pk}/photos/", {"photo": upload()}, format="multipart",
                        HTTP_IDEMPOTENCY_KEY="p-1")
    again = client.post(f"{URL}{order.pk}/photos/", {"photo": upload()}, format="multipart",
                        HTTP_IDEMPOTENCY_KEY="p-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert WorkOrderPhoto.objects.count() == 1


# --- scoping --------------------------------------------------------------------------------------

def test_crew_member_sees_only_their_crews_orders_and_the_minimum_of_the_customer(api, users, station, crew):
    customer = CustomerFactory(station=station, name="王五", phone="13900001111", address="城东路5号", grade="A")
    mine = WorkOrderFactory(station=station, crew=crew, status="dispatched", customer=customer)
    other_crew = CrewFactory(name="抢修二班", station=station)
    theirs = WorkOrderFactory(station=station, crew=other_crew, status="dispatched")
    unassigned = WorkOrderFactory(station=station)
    client = api(users["crew"])
    listed = client.get(URL).json()["results"]
    assert [o["number"] for o in listed] == [mine.number]
    body = listed[0]
    assert (body["customer_name"], body["customer_phone"], body["address"]) == ("王五", "13900001111", "城东路5号")
    for hidden in ("customer", "customer_account_no", "grade_at_creation", "contact_name", "created_by"):
        assert hidden not in body
    assert "A" not in str({k: v for k, v in body.items() if k.startswith("customer")})
    for order in (theirs, unassigned):
        assert client.get(f"{URL}{order.pk}/").status_code == 404
        assert act(client, order, "accept", version=1).status_code == 404
        assert photo_post(client, order, upload()).status_code == 404


def test_station_staff_see_their_station_managers_see_all(api, users, station, other_station):
    here = WorkOrderFactory(station=station)
    there = WorkOrderFactory(station=other_station)
    assert [o["number"] for o in api(users["handler"]).get(URL).json()["results"]] == [here.number]
    assert [o["number"] for o in api(users["counter"]).get(URL).json()["results"]] == [here.number]
    assert api(users["handler"]).get(f"{URL}{there.pk}/").status_code == 404
    assert {o["number"] for o in api(users["manager"]).get(URL).json()["results"]} == {here.number, there.number}
    assert api(users["account_manager"]).get(URL).json()["results"] == []
    assert api(users["account_manager"]).get(f"{URL}{here.pk}/").status_code == 404
    assert api().get(URL).status_code in (401, 403)


# --- filters and query budget ---------------------------------------------------------------------

def test_filters(api, users, station, other_station, crew):
    now = timezone.now()
    late = WorkOrderFactory(station=station, crew=crew, status="dispatched",
                            arrive_due_at=now - timedelta(minutes=5))
    on_time = WorkOrderFactory(station=station, status="created")
    survey = WorkOrderFactory(station=other_station, kind="survey", arrive_due_at=None, arrive_target_at=None,
                              due_at=now + timedelta(days=2))
    client = api(users["manager"])

    def numbers(query):
        return {o["number"] for o in client.get(URL + query).json()["results"]}

    assert numbers("?status=dispatched") == {late.number}
    assert numbers(f"?crew={crew.name}") == {late.number}
    assert numbers("?station=S02") == {survey.number}
    assert numbers("?kind=survey") == {survey.number}
    assert numbers("?overdue=true") == {late.number}
    assert numbers("?overdue=false") == {on_time.number, survey.number}


def test_list_runs_a_constant_number_of_queries(api, users, station, crew, django_assert_max_num_queries):
    complaint = ComplaintFactory(station=station)
    for i in range(30):
        order = WorkOrderFactory(station=station, crew=crew, status="on_site", complaint=complaint if i % 2 else None)
        if i < 5:
            services.work_order_add_photo(work_order=order, by=users["crew"], upload=upload(f"{i}.png", png_bytes()))
    client = api(users["manager"])
    # session/auth: 0 (forced); role lookup 1; count 1; page of orders with station, crew, customer,
    # complaint+category, created_by joined 1; photos (+uploader) prefetch 1.
    with django_assert_max_num_queries(5):
        small = client.get(URL + "?page_size=2")
    with django_assert_max_num_queries(5):
        large = client.get(URL + "?page_size=30")
    assert len(small.json()["results"]) == 2 and len(large.json()["results"]) == 30


def test_crew_list_query_count_does_not_grow(api, users, station, crew, django_assert_max_num_queries):
    for _ in range(20):
        WorkOrderFactory(station=station, crew=crew, status="accepted")
    # roles 1; crew ids 1; count 1; page 1; photos 1
    with django_assert_max_num_queries(5):
        resp = api(users["crew"]).get(URL + "?page_size=20")
    assert len(resp.json()["results"]) == 20


# --- crews ----------------------------------------------------------------------------------------

def test_manager_creates_a_crew_by_natural_keys(api, users, station):
    resp = api(users["manager"]).post("/api/v1/crews/", {"name": "抢修三班", "station": "S01",
                                                         "members": ["crew1"], "leader": "handler1"}, format="json")
    assert resp.status_code == 201, resp.json()
    crew = Crew.objects.get(name="抢修三班")
    assert set(crew.members.values_list("username", flat=True)) == {"crew1", "handler1"}
    body = api(users["manager"]).get("/api/v1/crews/抢修三班/").json()
    assert body["station"] == "S01" and body["leader"] == "handler1"


@role_matrix({"handler": 403, "crew": 403, "counter": 403})
def test_only_managers_and_admins_write_crews(api, users, station, role, expected):
    resp = api(users[role]).post("/api/v1/crews/", {"name": "x", "station": "S01"}, format="json")
    assert resp.status_code == expected


def test_crew_list_is_scoped(api, users, station, crew, other_crew):
    assert [c["name"] for c in api(users["handler"]).get("/api/v1/crews/").json()["results"]] == [crew.name]
    assert [c["name"] for c in api(users["crew"]).get("/api/v1/crews/").json()["results"]] == [crew.name]
    assert len(api(users["manager"]).get("/api/v1/crews/").json()["results"]) == 2


def test_a_replayed_create_makes_one_order(api, users, station):
    client = api(users["handler"])
    body = {"station": "S01", "address": "城东路7号", "kind": "inspection"}
    first = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="new-order-1")
    again = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="new-order-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    assert WorkOrder.objects.count() == 1


def test_browser_coordinates_with_many_decimals_are_kept_to_six(api, users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="en_route")
    resp = act(api(users["crew"]), order, "arrive", version=1, lat=30.274084123456789, lng=120.15507012345678)
    assert resp.status_code == 200
    assert (resp.json()["arrival_lat"], resp.json()["arrival_lng"]) == ("30.274084", "120.155070")


# --- one step: what it costs, and an answer built without re-reading the order ----------------------

def fresh_user(user):
    """The user as a new request sees it (roles and crews not yet cached on the object)."""
    return get_user_model().objects.get(pk=user.pk)


def test_a_crew_step_runs_in_at_most_8_queries(api, users, station, crew, django_assert_max_num_queries):
    complaint = ComplaintFactory(station=station)
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched", complaint=complaint)
    # Forced auth here; over HTTP add the token lookup, and BEGIN/COMMIT instead of the savepoint.
    # roles 1; crew ids 1; SAVEPOINT; the order locked, joined with what the answer shows, with
    # whether it has photos and whether the key was seen 1; guarded UPDATE 1; event 1; key 1; RELEASE.
    client = api(fresh_user(users["crew"]))
    with django_assert_max_num_queries(8):
        resp = act(client, order, "accept", key="tablet-1", version=1)
    assert resp.status_code == 200, resp.json()
    assert resp.json()["version"] == 2 and resp.json()["complaint_number"] == complaint.number
    # a replay: roles, crew ids, SAVEPOINT, the locked read, the stored answer, RELEASE
    client = api(fresh_user(users["crew"]))
    with django_assert_max_num_queries(6):
        again = act(client, order, "accept", key="tablet-1", version=1)
    assert again.json() == resp.json() and again["Idempotent-Replayed"] == "true"
    # photos cost their one query only when there are some
    services.work_order_add_photo(work_order=order, by=users["crew"], upload=upload("a.png", png_bytes()))
    client = api(fresh_user(users["crew"]))
    with django_assert_max_num_queries(9):
        resp = act(client, order, "depart", key="tablet-2", version=2)
    assert resp.status_code == 200 and len(resp.json()["photos"]) == 1


def test_a_stale_step_costs_no_second_read_of_the_order(api, users, station, crew, django_assert_max_num_queries):
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched")
    services.work_order_accept(work_order=order, by=users["crew"], version=1)
    # roles, crew ids, SAVEPOINT, the locked read, ROLLBACK TO + RELEASE, a twin's key? 1
    client = api(fresh_user(users["crew"]))
    with django_assert_max_num_queries(7):
        resp = act(client, order, "accept", key="late-tap", version=1)
    assert resp.status_code == 409 and resp.json()["current"]["version"] == 2


@pytest.mark.parametrize("role", ["crew", "handler"])
def test_each_step_answers_what_a_fresh_read_shows(api, users, station, crew, role):
    """The answer is the locked row plus what the step wrote, never read back: it must be what
    GET shows right after, for the crew's view and the office's."""
    complaint = ComplaintFactory(station=station)
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=SH), tick=False):
        order = WorkOrderFactory(station=station, crew=crew, status="dispatched", complaint=complaint,
                                 created_by=users["handler"])
    services.work_order_add_photo(work_order=order, by=users["crew"], upload=upload("a.jpg"))
    client = api(users[role])
    steps = [("accept", {}), ("depart", {}),
             ("arrive", {"lat": 30.2740851, "lng": "120.15507", "delay_reason": "道路施工", "customer_informed": True}),
             ("complete", {"notes": "更换熔断器。"})]
    # 11:30: after the 11:00 arrival ceiling (a late arrival); completion 4 hours later (restore breached)
    for version, ((verb, body), at) in enumerate(zip(steps, [(11, 10), (11, 20), (11, 30), (15, 40)],
                                                     strict=True), start=1):
        with time_machine.travel(datetime(2026, 11, 25, *at, tzinfo=SH), tick=False):
            resp = act(client, order, verb, key=f"{role}-{verb}", version=version,
                       client_time="2026-11-25T03:00:00Z", **body)
            assert resp.status_code == 200, resp.json()
            assert resp.json() == client.get(f"{URL}{order.pk}/").json()
    body = resp.json()
    assert body["arrive_breached"] is body["restore_breached"] is True
    assert body["current_due_at"] is None and body["client_completed_at"] == "2026-11-25T11:00:00+08:00"


def test_dispatch_and_cancel_answer_what_a_fresh_read_shows(api, users, station, crew):
    order = WorkOrderFactory(station=station, complaint=ComplaintFactory(station=station))
    client = api(users["handler"])
    resp = act(client, order, "dispatch", version=1, crew=crew.name)
    assert resp.status_code == 200 and resp.json() == client.get(f"{URL}{order.pk}/").json()
    resp = act(client, order, "cancel", version=2, reason="客户自行恢复")
    assert resp.status_code == 200 and resp.json() == client.get(f"{URL}{order.pk}/").json()
    assert resp.json()["status"] == "cancelled" and resp.json()["cancel_reason"] == "客户自行恢复"


def test_the_current_order_of_a_stale_answer_is_what_a_fresh_read_shows(api, users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched")
    services.work_order_add_photo(work_order=order, by=users["crew"], upload=upload("a.jpg"))
    services.work_order_accept(work_order=order, by=users["crew"], version=1)
    client = api(users["crew"])
    resp = act(client, order, "accept", key="k-stale", version=1)
    assert resp.status_code == 409
    assert resp.json()["current"] == client.get(f"{URL}{order.pk}/").json()
    assert not IdempotencyKey.objects.filter(key="k-stale").exists()


def test_a_key_seen_before_does_not_open_an_order_out_of_scope(api, users, station, crew, other_crew):
    mine = WorkOrderFactory(station=station, crew=crew, status="dispatched")
    theirs = WorkOrderFactory(station=other_crew.station, crew=other_crew, status="dispatched")
    client = api(users["crew"])
    assert act(client, mine, "accept", key="k-scope", version=1).status_code == 200
    assert act(client, theirs, "accept", key="k-scope", version=1).status_code == 404
    assert act(client, theirs, "accept", key="k-fresh", version=1).status_code == 404
    assert client.post(f"{URL}not-a-number/accept/", {"version": 1}, format="json").status_code == 404
    assert WorkOrder.objects.get(pk=theirs.pk).status == "dispatched"


def test_a_too_long_idempotency_key_is_refused_and_changes_nothing(api, users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched")
    resp = act(api(users["crew"]), order, "accept", key="k" * 101, version=1)
    assert resp.status_code == 400 and "Idempotency-Key" in resp.json()
    assert WorkOrder.objects.get(pk=order.pk).version == 1
    assert not WorkOrderEvent.objects.filter(work_order=order, kind="accept").exists()


@pytest.mark.parametrize("role", ["crew", "manager"])
def test_one_order_reads_in_at_most_4_queries_and_shows_what_the_list_shows(api, users, station, crew, role,
                                                                           django_assert_max_num_queries):
    order = WorkOrderFactory(station=station, crew=crew, status="on_site", complaint=ComplaintFactory(station=station),
                             created_by=users["handler"], restore_due_at=timezone.now() + timedelta(hours=3))
    bare = WorkOrderFactory(station=station, crew=crew, status="accepted", customer=None)
    services.work_order_add_photo(work_order=order, by=users["crew"], upload=upload("a.png", png_bytes()))
    listed = {o["id"]: o for o in api(users[role]).get(URL).json()["results"]}
    for one, budget in [(order, 4), (bare, 3)]:
        client = api(fresh_user(users[role]))
        # roles 1; crew ids 1 (crew members); the order with what it shows 1; its photos (if any) 1
        with django_assert_max_num_queries(budget if role == "crew" else budget - 1):
            resp = client.get(f"{URL}{one.pk}/")
        detail = resp.json()
        if role == "manager":  # lists mask phones for roles that do not call customers (SPEC §13)
            detail = {k: mask_phone(v) if k in ("customer_phone", "contact_phone") else v for k, v in detail.items()}
        assert detail == listed[one.pk]
    assert resp.json()["photos"] == [] and resp.json()["customer_name"] == bare.contact_name
