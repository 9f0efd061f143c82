"""Visits: recording them and the daily reminders."""

import datetime

import pytest
import time_machine

from core.models import Notification
from grading import services, tasks
from grading.models import Visit
from servicecenter.exceptions import ValidationFailed
from tests.customers.factories import CustomerFactory

from .factories import VisitFactory

D = datetime.date


@pytest.fixture
def am_customers(station, users):
    am = users["account_manager"]
    with time_machine.travel(datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC), tick=False):
        a = CustomerFactory(station=station, grade="A", account_manager=am, name="钻石甲")
        b = CustomerFactory(station=station, grade="B", account_manager=am, name="金牌乙")
        c = CustomerFactory(station=station, grade="C", account_manager=am, name="普通丙")
        nobody = CustomerFactory(station=station, grade="A", name="无经理")
    return am, a, b, c, nobody


def test_remind_visits_sends_one_message_a_day_with_overdue_and_due_soon_visits(am_customers):
    am, a, b, c, nobody = am_customers
    VisitFactory(customer=a, account_manager=am, kind="routine", date=D(2026, 10, 5))   # due 11-05: soon
    VisitFactory(customer=a, account_manager=am, kind="safety", date=D(2026, 8, 1))     # due 11-01: overdue
    VisitFactory(customer=a, account_manager=am, kind="usage_analysis", date=D(2026, 10, 1))  # due 2027-01
    VisitFactory(customer=a, account_manager=am, kind="quality_report", date=D(2026, 3, 1))   # due 2027-03
    VisitFactory(customer=b, account_manager=am, kind="routine", date=D(2026, 10, 30))  # due 11-30: ok
    VisitFactory(customer=c, account_manager=am, kind="routine", date=D(2026, 6, 1))    # due 09-01: overdue
    with time_machine.travel(datetime.datetime(2026, 11, 2, 7, 30, tzinfo=datetime.UTC), tick=False):
        tasks.remind_visits()
        tasks.remind_visits()                                   # the same day again: nothing new
    note = Notification.objects.get(recipient=am, kind="grading.visits_due")
    assert note.dedupe_key == "visits:2026-11-02"
    lines = note.body.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("2026-09-01") and c.account_no in lines[0]        # most overdue first
    assert "2026-11-01" in lines[1] and a.account_no in lines[1]
    assert "2026-11-05" in lines[2] and a.account_no in lines[2]
    assert b.account_no not in note.body
    assert "2" in note.subject and "1" in note.subject
    with time_machine.travel(datetime.datetime(2026, 11, 3, 7, 30, tzinfo=datetime.UTC), tick=False):
        services.remind_visits()                                # the next day: a new message
    assert Notification.objects.filter(recipient=am, kind="grading.visits_due").count() == 2


def test_a_never_visited_customer_is_due_one_interval_after_it_was_created(am_customers):
    am, a, b, c, _nobody = am_customers
    services.remind_visits(today=D(2026, 2, 3))                  # created 01-05: A and B due 02-05
    body = Notification.objects.get(recipient=am).body
    assert a.account_no in body and b.account_no in body and c.account_no not in body


def test_visit_record_refuses_a_future_date(am_customers):
    am, a, *_ = am_customers
    with pytest.raises(ValidationFailed) as err:
        services.visit_record(customer=a, by=am, kind="routine", day=D(2030, 1, 1))
    assert err.value.field == "date"
    visit = services.visit_record(customer=a, by=am, kind="safety", day=D(2026, 1, 6), today=D(2026, 1, 7),
                                  notes=" 配电房检查 ")
    assert Visit.objects.get() == visit and visit.notes == "配电房检查"
