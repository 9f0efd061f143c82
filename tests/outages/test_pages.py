"""The pages: /outages/ (list, create, estimate, restore), /outages/board/, /public/outages/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from outages import services
from outages.models import Outage

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    def make(user):
        client.force_login(user)
        return client
    return make


def test_a_dispatcher_opens_updates_and_restores_an_outage_on_the_pages(signed_in, users, grid):
    c = signed_in(users["handler"])
    assert c.get("/outages/").status_code == 200
    assert c.get("/outages/new/").status_code == 200
    r = c.post("/outages/new/", {"kind": "fault", "lines": "L01", "cause": "10kV线路故障跳闸"})
    assert r.status_code == 302
    outage = Outage.objects.get()
    page = c.get(f"/outages/{outage.number}/").content.decode()
    assert "10kV线路故障跳闸" in page and "update-estimate" in page
    later = timezone.localtime(timezone.now() + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
    c.post(f"/outages/{outage.number}/update-estimate/", {"estimated_restore_at": later, "reason": "更换电杆",
                                                          "version": outage.version})
    c.post(f"/outages/{outage.number}/restore/", {"result": "已复电"})
    outage.refresh_from_db()
    assert outage.status == "restored" and outage.estimate_changes.count() == 1
    listing = c.get("/outages/?status=restored").content.decode()
    assert outage.number in listing


def test_bad_input_on_the_page_names_the_field(signed_in, users, grid):
    r = signed_in(users["handler"]).post("/outages/new/", {"kind": "fault", "lines": "L99", "cause": "故障"})
    assert r.status_code == 400 and "L99" in r.content.decode()


def test_the_board_shows_the_active_outages_and_refreshes_itself(signed_in, users, grid):
    services.outage_create(by=users["handler"], kind="fault", cause="线路故障跳闸", lines=["L01"])
    page = signed_in(users["counter"]).get("/outages/board/").content.decode()
    assert 'http-equiv="refresh"' in page and "线路故障跳闸" in page and "10kV东风01线" in page


def test_the_public_page_needs_no_sign_in_and_shows_no_personal_data(client, users, grid):
    cache.clear()
    services.outage_create(by=users["handler"], kind="fault", cause="线路故障跳闸", lines=["L01"])
    r = client.get("/public/outages/")
    assert r.status_code == 200
    page = r.content.decode()
    assert "线路故障跳闸" in page
    for customer in grid.customers.values():
        for value in (customer.name, customer.account_no, customer.phone, customer.address):
            if value:
                assert value not in page
    assert client.get("/public/outages/?area=T03").content.decode().count("线路故障跳闸") == 0


def test_the_public_page_is_throttled(client, settings, grid):
    cache.clear()
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "public": "2/minute"}
    assert [client.get("/public/outages/").status_code for _ in range(3)] == [200, 200, 429]
    cache.clear()


def test_crews_do_not_see_the_outage_pages(signed_in, users):
    assert signed_in(users["crew"]).get("/outages/").status_code == 404


def test_the_demo_outages_load_once(db):
    from customers.demo import load_base_data
    from outages.demo import load

    load_base_data()
    assert load() == "4 outages"
    assert load() == "outages already there"
    statuses = sorted(Outage.objects.values_list("kind", "status"))
    assert statuses == [("fault", "in_progress"), ("fault", "restored"), ("planned", "announced"),
                        ("temporary", "announced")]
    assert Outage.objects.get(kind="planned").notice_met_at is not None


def test_the_admin_lists_and_shows_an_outage(client, users, grid):
    outage = services.outage_create(by=users["handler"], kind="fault", cause="线路故障跳闸", lines=["L01"])
    client.force_login(users["admin"])
    for url in ("/admin/outages/outage/", f"/admin/outages/outage/{outage.pk}/change/", "/admin/outages/customersms/",
                "/admin/outages/outagelink/", "/admin/outages/frequentoutagewarning/"):
        assert client.get(url).status_code == 200, url
