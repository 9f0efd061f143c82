"""The frequent-outage warnings on /dashboard/ (SPEC §12 "shows on the dashboard"): a small panel
of the latest warnings, read in one query."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from outages import services
from outages.models import FrequentOutageWarning

pytestmark = pytest.mark.django_db


def test_the_dashboard_lists_the_frequent_outage_warnings_in_one_query(grid, users):
    for day in (1, 2, 3):
        with time_machine.travel(datetime(2026, 12, day, 2, 0, tzinfo=UTC), tick=False):
            third = services.outage_create(by=users["handler"], kind="fault", cause="线路故障", lines=["L02"])
    warning = FrequentOutageWarning.objects.get()
    client = Client()
    client.force_login(users["manager"])
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/dashboard/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="frequent-outages"' in html
    assert grid.lines["L02"].name in html and third.number in html and warning.period in html
    assert len([q for q in ctx.captured_queries if "outages_frequentoutagewarning" in q["sql"]]) == 1


def test_without_warnings_the_panel_says_so(grid, users):
    client = Client()
    client.force_login(users["manager"])
    html = client.get("/dashboard/").content.decode()
    assert 'id="frequent-outages"' in html and "没有频繁停电的线路或台区" in html
