"""Two tablets at once (PostgreSQL): one step wins, a retried request acts once, the photo
limit holds under parallel uploads."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.workorders.factories import WorkOrderFactory
from tests.workorders.helpers import png_bytes, upload
from workorders import services
from workorders.models import IdempotencyKey, WorkOrder, WorkOrderEvent, WorkOrderPhoto

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(n, fn):
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def work(i):
        try:
            client = APIClient()
            barrier.wait()
            results[i] = fn(i, client)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


def test_two_crew_members_accept_at_once_one_wins(users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched")
    members = list(crew.members.all())

    def accept(i, client):
        client.force_authenticate(members[i])
        resp = client.post(f"/api/v1/work-orders/{order.pk}/accept/", {"version": 1}, format="json")
        return resp.status_code, resp.json()

    results = _race(2, accept)
    assert sorted(code for code, _ in results) == [200, 409]
    loser = next(body for code, body in results if code == 409)
    assert loser["code"] == "stale_version" and loser["current"]["version"] == 2
    assert WorkOrderEvent.objects.filter(work_order=order, kind="accept").count() == 1
    assert WorkOrder.objects.get(pk=order.pk).version == 2


def test_the_same_request_sent_twice_at_once_acts_once_and_answers_alike(users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched")
    user = users["crew"]

    def accept(i, client):
        client.force_authenticate(user)
        resp = client.post(f"/api/v1/work-orders/{order.pk}/accept/", {"version": 1}, format="json",
                           HTTP_IDEMPOTENCY_KEY="lost-answer-1")
        return resp.status_code, resp.json()

    (code_a, body_a), (code_b, body_b) = _race(2, accept)
    assert code_a == code_b == 200 and body_a == body_b
    assert WorkOrderEvent.objects.filter(work_order=order, kind="accept").count() == 1


def test_parallel_uploads_never_pass_ten_photos(users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="on_site")
    for i in range(7):
        services.work_order_add_photo(work_order=order, by=users["crew"], upload=upload(f"{i}.png", png_bytes()))

    def send(i, client):
        client.force_authenticate(users["crew"])
        resp = client.post(f"/api/v1/work-orders/{order.pk}/photos/", {"photo": upload(f"p{i}.png", png_bytes())},
                           format="multipart")
        return resp.status_code

    codes = _race(6, send)
    assert sorted(codes) == [201, 201, 201, 400, 400, 400]
    assert WorkOrderPhoto.objects.filter(work_order=order).count() == 10


def test_two_tablets_with_their_own_keys_race_the_winners_replay_answers_alike_the_losers_is_decided_afresh(
        users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched")
    members = list(crew.members.all())

    def accept(i, client):
        client.force_authenticate(members[i])
        answers = []
        for _ in range(2):  # the tablet lost the first answer and sends the same request again
            resp = client.post(f"/api/v1/work-orders/{order.pk}/accept/", {"version": 1}, format="json",
                               HTTP_IDEMPOTENCY_KEY=f"tablet-{i}")
            answers.append((resp.status_code, resp.json()))
        return answers

    results = _race(2, accept)
    (won_first, won_again), = [r for r in results if r[0][0] == 200]
    (lost_first, lost_again), = [r for r in results if r[0][0] == 409]
    assert won_again == won_first
    assert lost_first[1]["code"] == lost_again[1]["code"] == "stale_version"
    assert lost_first[1]["current"] == lost_again[1]["current"] == won_first[1]
    assert WorkOrderEvent.objects.filter(work_order=order, kind="accept").count() == 1
    assert IdempotencyKey.objects.filter(key__startswith="tablet-").count() == 1
