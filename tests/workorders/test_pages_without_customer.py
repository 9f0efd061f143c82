"""A work order need not name a customer account (the site is an address); its pages still render."""

import pytest
from django.test import Client

from tests.workorders.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who, url", [("crew", "/crew/"), ("crew", "/crew/{}/"), ("manager", "/work-orders/"),
                                      ("manager", "/work-orders/{}/")])
def test_pages_of_an_order_without_a_customer(users, station, crew, who, url):
    order = WorkOrderFactory(station=station, crew=crew, status="en_route", customer=None, contact_name="",
                             contact_phone="")
    c = Client()
    c.force_login(users[who])
    r = c.get(url.format(order.number))
    assert r.status_code == 200
    assert order.number in r.content.decode()
