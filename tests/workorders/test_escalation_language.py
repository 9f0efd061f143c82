"""A work order's history names the escalated deadline and level in the reader's language, not in
the language the sweep wrote its note in."""

import pytest
from django.test import Client
from django.utils import timezone

from tests.workorders.factories import WorkOrderFactory
from workorders.models import WorkOrderEvent

pytestmark = pytest.mark.django_db


def _html(user, url, language):
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = language
    r = c.get(url)
    assert r.status_code == 200
    return r.content.decode()


@pytest.fixture
def order(station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="en_route")
    for level, note in ((1, "Arrive · Warning"), (2, "Arrive · Breached")):  # written by an English sweep
        WorkOrderEvent.objects.create(work_order=order, at=timezone.now(), kind="escalated", note=note,
                                      data={"escalation": level, "deadline": "arrive", "level": level})
    WorkOrderEvent.objects.create(work_order=order, at=timezone.now(), kind="escalated", note="到达现场 · 严重",
                                  data={"escalation": 3, "deadline": "arrive", "level": 3})
    return order


@pytest.mark.parametrize("who, url", [("crew", "/crew/{}/"), ("manager", "/work-orders/{}/")])
def test_history_names_levels_in_chinese(users, order, who, url):
    html = _html(users[who], url.format(order.number), "zh-hans")
    assert "到达现场 · 预警" in html and "到达现场 · 已超时" in html and "到达现场 · 严重" in html
    assert "Warning" not in html and "Breached" not in html


def test_history_names_levels_in_english(users, order):
    html = _html(users["manager"], f"/work-orders/{order.number}/", "en")
    assert "Arrive · Severe" in html and "Arrive · Warning" in html
    assert "严重" not in html
