"""Return (退单) and termination (服务终止), SPEC §11, where a kind declares them
(complaints/kinds.py): the station returns an order with the reason and the service center sends
it on, the deadlines running from receipt all along; a manager terminates an order beyond the
rules, closed and counted apart."""

import pytest

from clock.models import Deadline
from complaints.models import Complaint, ComplaintEvent
from core.models import Notification

from .conftest import URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(api, users, caller):
    r = api(users["counter"]).post(URL, {**caller, "kind": "service", "service_type": "meter_fault",
                                         "description": "电表不走字"}, format="json")
    assert r.status_code == 201, r.data
    taken = api(users["handler"]).post(f"{URL}{r.data['id']}/take/", format="json")
    assert taken.status_code == 200 and taken.data["handler"] == "handler1"
    return Complaint.all_kinds.get(pk=r.data["id"])


def rows(order):
    return dict(Deadline.objects.filter(subject_type="complaint", subject_id=order.pk)
                .values_list("kind", "due_at"))


def test_the_station_returns_an_order_and_the_service_center_sends_it_on(api, users, order):
    due = rows(order)
    r = api(users["handler"]).post(f"{URL}{order.pk}/return/", {"reason": "该户属城西供电所辖区"}, format="json")
    assert r.status_code == 200, r.data
    assert r.data["handler"] is None and r.data["returned_at"] and r.data["return_reason"] == "该户属城西供电所辖区"
    event = ComplaintEvent.objects.get(complaint=order, kind="returned")
    assert (event.actor, event.data["held_by"], event.data["station"]) == (users["handler"], "handler1", "S01")
    assert Notification.objects.filter(recipient=users["manager"], kind="order.returned").count() == 1
    assert rows(order) == due  # the customer's deadlines keep running from receipt
    # returned once is enough
    again = api(users["handler"]).post(f"{URL}{order.pk}/return/", {"reason": "再退"}, format="json")
    assert again.status_code == 409
    # the service center sends it to the right station, whose handlers now see it
    r = api(users["manager"]).post(f"{URL}{order.pk}/send/", {"station": "S02"}, format="json")
    assert r.status_code == 200, r.data
    assert (r.data["station"], r.data["returned_at"], r.data["handler"]) == ("S02", None, None)
    assert set(Deadline.objects.filter(subject_type="complaint", subject_id=order.pk)
               .values_list("station_id", flat=True)) == {users["other_handler"].profile.station_id}
    assert rows(order) == due
    assert api(users["other_handler"]).get(f"{URL}{order.pk}/").status_code == 200
    assert api(users["handler"]).get(f"{URL}{order.pk}/").status_code == 404
    sent = ComplaintEvent.objects.get(complaint=order, kind="sent")
    assert (sent.data["previous_station"], sent.data["station"]) == ("S01", "S02")


def test_only_the_orders_station_returns_it_and_only_the_service_center_sends_it(api, users, order):
    assert api(users["counter"]).post(f"{URL}{order.pk}/return/", {"reason": "x"}, format="json").status_code == 403
    assert api(users["other_handler"]).post(f"{URL}{order.pk}/return/", {"reason": "x"},
                                            format="json").status_code == 404
    assert api(users["handler"]).post(f"{URL}{order.pk}/send/", {"station": "S02"}, format="json").status_code == 403
    r = api(users["handler"]).post(f"{URL}{order.pk}/return/", {"reason": ""}, format="json")
    assert r.status_code == 400 and "reason" in r.data


def test_a_manager_terminates_an_order_beyond_the_rules_and_it_is_counted_apart(api, users, order):
    assert api(users["handler"]).post(f"{URL}{order.pk}/terminate/", {"reason": "x"}, format="json").status_code == 403
    r = api(users["manager"]).post(f"{URL}{order.pk}/terminate/", {"reason": "客户要求超出赔偿标准，已进入诉讼程序"},
                                   format="json")
    assert r.status_code == 200, r.data
    assert r.data["status"] == "closed" and r.data["terminated_at"] and r.data["close_reason"].startswith("客户要求")
    assert not Deadline.objects.filter(subject_type="complaint", subject_id=order.pk, running=True).exists()
    assert ComplaintEvent.objects.filter(complaint=order, kind="terminated").count() == 1
    assert Complaint.all_kinds.filter(terminated_at__isnull=False).count() == 1


@pytest.mark.parametrize("kind,extra", [("suggestion", {}), ("complaint", {"category": "service.attitude"})])
def test_kinds_that_do_not_declare_termination_answer_409(api, users, caller, kind, extra):
    r = api(users["counter"]).post(URL, {**caller, "kind": kind, "description": "来电", **extra}, format="json")
    answer = api(users["manager"]).post(f"{URL}{r.data['id']}/terminate/", {"reason": "x"}, format="json")
    assert answer.status_code == 409
    assert "terminate" not in answer.data["allowed_actions"]
