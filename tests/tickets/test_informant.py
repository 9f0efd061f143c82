"""Reports (举报, SPEC §11): the informant may stay anonymous and is never shown to the station or
staff being reported: a handler of the reported station sees the report without its informant
(detail, list, action answers, search), a manager sees who it was."""

import pytest

from complaints.models import Complaint

from .conftest import URL

pytestmark = pytest.mark.django_db

INFORMANT = {"complainant_name": "赵先生", "complainant_phone": "13900002222"}


@pytest.fixture
def report(api, users, customer):
    r = api(users["counter"]).post(URL, {"kind": "report", "channel": "phone", "customer": customer.pk, **INFORMANT,
                                         "description": "城东供电所抄表员收取好处费。"}, format="json")
    assert r.status_code == 201, r.data
    return Complaint.all_kinds.get(pk=r.data["id"])


def hidden(data):
    return (data["complainant_name"], data["complainant_phone"], data["customer"], data["customer_account_no"]) == (
        "", "", None, None)


@pytest.mark.parametrize("role", ["handler", "counter"])
def test_the_informant_is_invisible_to_the_reported_station(api, users, report, role):
    client = api(users[role])
    assert hidden(client.get(f"{URL}{report.pk}/").data)
    [row] = client.get(URL, {"kind": "report"}).data["results"]
    assert hidden(row)
    # searching by the informant's phone or name finds nothing
    assert client.get(URL, {"q": "13900002222"}).data["count"] == 0
    assert client.get(URL, {"q": "赵先生"}).data["count"] == 0
    assert client.get(URL, {"q": report.number}).data["count"] == 1


def test_an_action_answer_hides_the_informant_too(api, users, report):
    r = api(users["handler"]).post(f"{URL}{report.pk}/acknowledge/", {"how": "phone"}, format="json")
    assert r.status_code == 200, r.data
    assert hidden(r.data)


def test_the_informant_is_visible_to_a_manager(api, users, report, customer):
    data = api(users["manager"]).get(f"{URL}{report.pk}/").data
    assert (data["complainant_name"], data["complainant_phone"]) == ("赵先生", "13900002222")
    assert data["customer"] == customer.pk
    assert api(users["manager"]).get(URL, {"q": "13900002222"}).data["count"] == 1


def test_other_kinds_show_the_caller_to_the_station(api, users):
    r = api(users["counter"]).post(URL, {"kind": "opinion", "channel": "phone", **INFORMANT,
                                         "description": "意见"}, format="json")
    data = api(users["handler"]).get(f"{URL}{r.data['id']}/").data
    assert data["complainant_name"] == "赵先生"


def test_an_informant_may_stay_anonymous(api, users):
    r = api(users["counter"]).post(URL, {"kind": "report", "channel": "phone", "anonymous": True,
                                         "description": "有人窃电。"}, format="json")
    assert r.status_code == 201, r.data
    order = Complaint.all_kinds.get(pk=r.data["id"])
    assert (order.anonymous, order.complainant_name, order.complainant_phone) == (True, "", "")
    assert api(users["manager"]).get(f"{URL}{order.pk}/").data["anonymous"] is True
