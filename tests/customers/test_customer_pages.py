"""/customers/ search, /customers/search.json and the customer card /customers/<account_no>/."""

from datetime import date
from pathlib import Path

import pytest

from core import registry
from tests.customers.factories import ConsumptionFactory, CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customers(users, station, other_station):
    return {
        "mine": CustomerFactory(account_no="3301000001", station=station, account_manager=users["account_manager"],
                                name="张建国", phone="13811112222", grade="A", dual_power_supply=True,
                                important_level="first", has_pv=True),
        "ours": CustomerFactory(account_no="3301000002", station=station, name="李秀英", phone="13933334444"),
        "theirs": CustomerFactory(account_no="3302000001", station=other_station, name="张伟",
                                  phone="13955556666"),
    }


def test_anonymous_visitors_are_sent_to_sign_in(client, customers):
    res = client.get("/customers/")
    assert res.status_code == 302 and "/login/" in res.url
    assert client.get("/customers/search.json?q=张").status_code == 302


@pytest.mark.parametrize("q,expected", [
    ("张", {"3301000001"}),             # part of a name: the other station's 张伟 is out of scope
    ("3301000002", {"3301000002"}),     # account number
    ("330100", {"3301000001", "3301000002"}),
    ("1393333", {"3301000002"}),        # phone prefix
    ("", {"3301000001", "3301000002"}),
])
def test_counter_staff_search_their_stations_customers(client, users, customers, q, expected):
    client.force_login(users["counter"])
    res = client.get("/customers/", {"q": q})
    assert res.status_code == 200
    assert {c.account_no for c in res.context["page"].object_list} == expected


def test_managers_search_every_station_and_filter_by_grade(client, users, customers):
    client.force_login(users["manager"])
    res = client.get("/customers/", {"q": "张"})
    assert {c.account_no for c in res.context["page"].object_list} == {"3301000001", "3302000001"}
    res = client.get("/customers/", {"grade": "A"})
    assert {c.account_no for c in res.context["page"].object_list} == {"3301000001"}


def test_the_list_is_paginated_with_a_constant_number_of_queries(client, users, station,
                                                                 django_assert_max_num_queries):
    CustomerFactory.create_batch(60, station=station, account_manager=users["account_manager"])
    client.force_login(users["handler"])
    # session + user + groups (roles) + profile (station) + count + page (station, manager joined)
    with django_assert_max_num_queries(7):
        res = client.get("/customers/?page=2")
    assert res.status_code == 200 and len(res.context["page"].object_list) == 25
    assert res.context["page"].paginator.num_pages == 3
    assert "page=3" in res.content.decode()


def test_search_json_is_scoped_and_at_most_20(client, users, station, other_station):
    CustomerFactory.create_batch(25, station=station, name="王测试")
    CustomerFactory.create_batch(3, station=other_station, name="王测试")
    client.force_login(users["counter"])
    data = client.get("/customers/search.json", {"q": "王测"}).json()
    assert len(data["results"]) == 20
    assert {r["station"] for r in data["results"]} == {"S01"}
    first = data["results"][0]
    assert set(first) >= {"account_no", "name", "phone", "address", "grade", "url"}
    assert first["url"] == f"/customers/{first['account_no']}/"
    assert client.get("/customers/search.json", {"q": " "}).json()["results"] == []


def test_account_managers_find_only_their_own_customers(client, users, customers):
    client.force_login(users["account_manager"])
    data = client.get("/customers/search.json", {"q": "33"}).json()
    assert [r["account_no"] for r in data["results"]] == ["3301000001"]


def test_the_card_shows_facts_flags_manager_and_12_months(client, users, customers):
    c = customers["mine"]
    for month in range(1, 13):
        ConsumptionFactory(customer=c, period=date(2025, month, 1), kwh="1000", amount_yuan="600")
    ConsumptionFactory(customer=c, period=date(2026, 1, 1), kwh="2000", amount_yuan="1200")
    client.force_login(users["counter"])
    res = client.get(f"/customers/{c.account_no}/")
    assert res.status_code == 200
    html = res.content.decode()
    assert "张建国" in html and "13811112222" in html and "钻石客户" in html
    assert "双电源" in html and "光伏" in html and "重要电力用户" in html
    assert users["account_manager"].first_name in html
    periods = [r.period for r in res.context["consumption"]]
    assert len(periods) == 12 and periods[0] == date(2026, 1, 1) and date(2025, 1, 1) not in periods
    assert "2026-01" in html and "2025-02" in html and "2025-01" not in html


@pytest.mark.parametrize("role,which,status", [
    ("counter", "theirs", 404), ("handler", "theirs", 404), ("account_manager", "ours", 404),
    ("crew", "ours", 404), ("manager", "theirs", 200), ("admin", "theirs", 200),
    ("account_manager", "mine", 200), ("other_counter", "theirs", 200),
])
def test_a_card_outside_the_users_scope_is_404(client, users, customers, role, which, status):
    client.force_login(users[role])
    assert client.get(f"/customers/{customers[which].account_no}/").status_code == status


def test_unknown_account_number_is_404(client, users, customers):
    client.force_login(users["manager"])
    assert client.get("/customers/9999999999/").status_code == 404


def test_registered_panels_are_rendered_on_the_card(client, users, customers, monkeypatch, settings):
    monkeypatch.setattr(registry.customer_panels, "_items", {})
    engine = {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], Path(__file__).parent / "templates"]}
    settings.TEMPLATES = [engine]

    def shown(request, customer):
        return "tests/panel.html", {"text": f"面板 {customer.account_no}"}

    registry.customer_panels.register("tests.shown", shown, order=10)
    registry.customer_panels.register("tests.hidden", lambda request, customer: None, order=5)
    client.force_login(users["manager"])
    html = client.get(f"/customers/{customers['ours'].account_no}/").content.decode()
    assert "面板 3301000002" in html


def test_the_pages_render_in_english_when_asked(client, users, customers):
    client.force_login(users["manager"])
    client.cookies["django_language"] = "en"
    html = client.get(f"/customers/{customers['mine'].account_no}/").content.decode()
    assert "Consumption, last 12 months" in html and "Account manager" in html
    client.cookies["django_language"] = "zh-hans"
    html = client.get(f"/customers/{customers['mine'].account_no}/").content.decode()
    assert "近12个月用电" in html


def test_a_bad_filter_value_shows_nothing_rather_than_failing(client, users, customers):
    client.force_login(users["manager"])
    res = client.get("/customers/", {"grade": "Z", "page": "999"})
    assert res.status_code == 200
