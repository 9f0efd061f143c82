"""The counter page shows the outage before saving (SPEC §12 "Intake knows"): on the page for a
customer chosen from the card, and in the preview JSON as soon as a customer is picked — cause,
since when, estimated restore — at the cost of one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_the_preview_json_names_the_outage_as_soon_as_a_customer_is_picked(users, grid, fault):
    customer = grid.customers["c1"]
    c = client_for(users["counter"])
    with CaptureQueriesContext(connection) as ctx:
        r = c.get("/counter/preview.json", {"customer": customer.pk, "channel": "counter", "severity": "normal"})
    assert r.status_code == 200
    data = r.json()
    notice = data["notices"]["outage"]
    assert notice["number"] == fault.number and notice["cause"] == "10kV线路故障跳闸"
    assert notice["since"] == timezone.localtime(fault.started_at).strftime("%Y-%m-%d %H:%M")
    assert notice["estimated_restore_at"] == timezone.localtime(fault.estimated_restore_at).strftime("%Y-%m-%d %H:%M")
    assert "template" not in notice
    html = data["notices_html"]
    assert 'id="notice-outage"' in html and fault.number in html and "10kV线路故障跳闸" in html
    assert "该客户处于正在停电的范围内" in html and notice["estimated_restore_at"] in html
    assert len([q for q in ctx.captured_queries if "outages_" in q["sql"]]) == 1
    # a customer outside it: nothing to show (the page clears the notice)
    other = c.get("/counter/preview.json", {"customer": grid.customers["c3"].pk, "channel": "counter"}).json()
    assert "notices" not in other and "notices_html" not in other


def test_the_counter_page_shows_it_for_the_customer_chosen_from_the_card(users, grid, fault):
    customer = grid.customers["c2"]
    page = client_for(users["counter"]).get("/counter/", {"customer": customer.account_no}).content.decode()
    assert 'id="intake-notices"' in page and 'id="notice-outage"' in page
    assert fault.number in page and "10kV线路故障跳闸" in page
    assert timezone.localtime(fault.estimated_restore_at).strftime("%Y-%m-%d %H:%M") in page
    # the page's script fills the same place from the preview
    blank = client_for(users["counter"]).get("/counter/").content.decode()
    assert 'id="intake-notices"' in blank and 'id="notice-outage"' not in blank


def test_the_notice_html_escapes_the_cause(users, grid):
    from outages import services

    services.outage_create(by=users["handler"], kind="fault", cause="<script>x</script>", lines=["L02"])
    r = client_for(users["counter"]).get("/counter/preview.json", {"customer": grid.customers["c3"].pk})
    assert "<script>" not in r.json()["notices_html"]
