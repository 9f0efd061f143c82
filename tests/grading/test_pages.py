"""/my-customers/ and the panels grading adds to the customer card."""

import datetime
import re

import pytest
import time_machine
from django.test import Client

from customers.models import ConsumptionRecord
from grading import services
from grading.models import GradeChange, Visit
from tests.complaints.factories import ComplaintFactory
from tests.customers.factories import CustomerFactory

from .factories import VisitFactory

D = datetime.date
NOW = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def client_for():
    def make(user):
        client = Client()
        client.force_login(user)
        return client
    return make


@pytest.fixture
def portfolio(station, users, small_policy):
    """am1's customers: graded by a run for September 2026 and one for October."""
    am = users["account_manager"]
    with time_machine.travel(datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC), tick=False):
        c = CustomerFactory(station=station, account_manager=am, name="普通丙")
        a = CustomerFactory(station=station, account_manager=am, name="钻石甲", dual_power_supply=True)
        b = CustomerFactory(station=station, account_manager=am, name="金牌乙", has_pv=True)
        falling = CustomerFactory(station=station, account_manager=am, name="下降丁", grade="B")
        CustomerFactory(station=station, name="别人的")
    ConsumptionRecord.objects.bulk_create([
        ConsumptionRecord(customer=a, period=D(2026, m, 1), kwh=100, amount_yuan=1000 + m) for m in range(1, 11)])
    services.reevaluate_grades(period=D(2026, 9, 1), today=D(2026, 10, 1))
    services.reevaluate_grades(period=D(2026, 10, 1), today=D(2026, 11, 1))
    VisitFactory(customer=a, account_manager=am, date=D(2026, 10, 20))   # routine due 11-20: fine
    for kind in ("safety", "usage_analysis", "quality_report"):         # and every other kind A is owed
        VisitFactory(customer=a, account_manager=am, kind=kind, date=D(2026, 10, 1))
    VisitFactory(customer=b, account_manager=am, date=D(2026, 9, 1))     # due 10-01: overdue
    return am, a, b, c, falling


def test_my_customers_lists_diamond_then_gold_then_ordinary(portfolio, client_for, django_assert_max_num_queries):
    am, a, b, c, falling = portfolio
    client = client_for(am)
    with time_machine.travel(NOW, tick=False):
        # session, user, roles, customers (+ visits and open counts as subqueries), last run, its
        # changes, consumption: a fixed number whatever the number of customers
        with django_assert_max_num_queries(9):
            html = client.get("/my-customers/").content.decode()
    names = re.findall(r'<a href="/customers/\d+/">([^<]+)</a>', html)
    assert names == ["钻石甲", "金牌乙", "下降丁", "普通丙"]
    assert "别人的" not in html
    assert '<svg class="sparkline"' in html                            # drawn on the server
    # b's routine visit is overdue (red); falling is held at B and may drop to C
    row_b = html.split("金牌乙")[0].rsplit("<tr", 1)[1] + html.split("金牌乙")[1].split("</tr>")[0]
    assert 'class="overdue"' in row_b
    assert GradeChange.objects.filter(customer=falling, held_reason="hysteresis").exists()


def test_the_query_count_does_not_grow_with_the_customers(portfolio, client_for, django_assert_max_num_queries,
                                                          station):
    am = portfolio[0]
    CustomerFactory.create_batch(30, station=station, account_manager=am)
    client = client_for(am)
    with django_assert_max_num_queries(9):
        assert client.get("/my-customers/").status_code == 200


def test_filters_by_grade_and_needs_attention(portfolio, client_for):
    am, a, b, c, falling = portfolio
    ComplaintFactory(customer=c, station=c.station)                     # open (received)
    ComplaintFactory(customer=a, station=a.station, status="closed")     # closed: not counted
    client = client_for(am)
    with time_machine.travel(NOW, tick=False):
        only_a = client.get("/my-customers/", {"grade": "A"}).content.decode()
        attention = client.get("/my-customers/", {"attention": "on"}).content.decode()
    assert "钻石甲" in only_a and "金牌乙" not in only_a
    # b: overdue visit; falling: grade drop pending; c: an open complaint; a: nothing to do
    assert "金牌乙" in attention and "下降丁" in attention and "普通丙" in attention
    assert "钻石甲" not in attention


def test_my_customers_is_for_account_managers(users, client_for):
    assert client_for(users["counter"]).get("/my-customers/").status_code == 403


def test_the_card_shows_grade_history_visits_and_consumption_and_records_a_visit(portfolio, client_for):
    am, a, *_ = portfolio
    client = client_for(am)
    with time_machine.travel(NOW, tick=False):
        html = client.get(f"/customers/{a.account_no}/").content.decode()
        assert 'id="grade-history"' in html and "dual_power_supply" in html
        assert 'id="visits"' in html and 'name="kind"' in html
        assert 'class="barchart"' in html and html.count("<rect") >= 10
        resp = client.post(f"/grading/customers/{a.account_no}/visits/",
                           {"kind": "safety", "date": "2026-11-02", "notes": "配电房巡视",
                            "next": f"/customers/{a.account_no}/"})
    assert resp.status_code == 302 and resp["Location"] == f"/customers/{a.account_no}/#visits"
    assert Visit.objects.filter(customer=a, kind="safety", notes="配电房巡视", account_manager=am).exists()


def test_only_the_account_manager_or_a_manager_records_a_visit(portfolio, users, client_for):
    am, a, *_ = portfolio
    counter = client_for(users["counter"])      # sees the station's customers, does not visit them
    html = counter.get(f"/customers/{a.account_no}/").content.decode()
    assert 'id="visits"' in html and 'name="kind"' not in html
    assert counter.post(f"/grading/customers/{a.account_no}/visits/", {"date": "2026-10-01"}).status_code == 403
    assert client_for(users["other_counter"]).post(f"/grading/customers/{a.account_no}/visits/",
                                                   {"date": "2026-10-01"}).status_code == 404
    resp = client_for(users["manager"]).post(f"/grading/customers/{a.account_no}/visits/",
                                             {"kind": "routine", "date": "2026-10-01", "next": "https://evil.example/"})
    assert resp.status_code == 302 and resp["Location"].startswith(f"/customers/{a.account_no}/")
