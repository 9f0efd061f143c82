"""The dashboard, its JSON refresh, extension approval and the handler's work list."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict

from complaints.models import Complaint, Escalation, ExtensionRequest
from core.calendar import calendar_warning
from core.models import WorkCalendarDay

from .conftest import t


@pytest.mark.django_db
def test_dashboard_shows_tiles_inbox_and_warnings_to_managers(march, client, users):
    Escalation.objects.create(subject_type="complaint", subject_id=march["c3"].pk, complaint=march["c3"],
                              station=march["c3"].station, kind="resolve", level=3, due_at=t(3, 15))
    Escalation.objects.create(subject_type="complaint", subject_id=march["c4"].pk, complaint=march["c4"],
                              station=march["c4"].station, kind="ack", level=2, due_at=t(3, 15))
    client.force_login(users["manager"])
    resp = client.get("/dashboard/", {"station": "S01", "from": "2026-03-01", "to": "2026-03-15"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert 'data-path="now.breached">4<' in html and 'data-path="now.at_risk">1<' in html
    assert 'data-path="deadlines.ack.rate" data-format="pct">66.7%<' in html
    # inbox: severe first
    assert html.index("TS202603100001") < html.index("TS202603140001")
    assert 'id="chart-trend"' in html and 'id="dash-data"' in html


@pytest.mark.django_db
def test_breached_tile_links_to_the_list_that_counts_the_same(march, client, users):
    from complaints.filters import ComplaintFilterSet

    client.force_login(users["manager"])
    ctx = client.get("/dashboard/", {"station": "S01"}).context
    for tile, figure in (("breached", "breached"), ("at_risk", "at_risk"), ("open", "open")):
        query = QueryDict(urlsplit(ctx["links"][tile]).query)
        listed = ComplaintFilterSet(query, queryset=Complaint.objects.all()).qs.count()
        assert listed == ctx["summary"]["now"][figure], tile


@pytest.mark.django_db
def test_dashboard_is_for_managers_only(client, users):
    for role in ("handler", "counter", "crew"):
        client.force_login(users[role])
        assert client.get("/dashboard/").status_code == 403
        assert client.get("/dashboard/data/").status_code == 403


@pytest.mark.django_db
def test_dashboard_data_is_the_summary_with_a_trend(march, client, users):
    client.force_login(users["manager"])
    data = client.get("/dashboard/data/", {"station": "S01", "from": "2026-03-01", "to": "2026-03-15"}).json()
    assert data["now"]["breached"] == 4 and len(data["trend"]) == 30 and data["inbox_count"] == 0
    assert client.get("/dashboard/data/", {"station": "NOPE"}).status_code == 400


@pytest.mark.django_db
def test_manager_approves_an_extension_from_the_dashboard(march, client, users):
    c3 = march["c3"]
    Complaint.objects.filter(pk=c3.pk).update(resolve_breached=False, resolve_due_at=t(3, 21))
    ext = ExtensionRequest.objects.create(complaint=c3, requested_by=users["handler"],
                                          requested_due_at=t(3, 28), reason="等待客户提供材料")
    client.force_login(users["manager"])
    assert "等待客户提供材料" in client.get("/dashboard/").content.decode()
    resp = client.post(f"/dashboard/extensions/{ext.pk}/approve/")
    assert resp.status_code == 302
    ext.refresh_from_db()
    c3.refresh_from_db()
    assert ext.status == "approved" and c3.resolve_due_at == t(3, 28)
    client.force_login(users["handler"])
    assert client.post(f"/dashboard/extensions/{ext.pk}/approve/").status_code == 403


@pytest.mark.django_db
def test_calendar_warning_in_the_last_weeks_of_the_known_calendar():
    WorkCalendarDay.objects.all().delete()
    WorkCalendarDay.objects.create(date=t(10, 1).date(), is_workday=False, name="国庆节")
    end = t(12, 31).date()
    assert calendar_warning(today=end - timedelta(days=90)) is None
    assert calendar_warning(today=end - timedelta(days=30)) == end


@pytest.mark.django_db
def test_my_work_lists_the_handlers_open_complaints_nearest_deadline_first(march, client, users):
    client.force_login(users["handler"])
    resp = client.get("/my-work/")
    assert resp.status_code == 200
    numbers = [c.number for c in resp.context["items"]]
    # c7 ack due 02-21, c4 ack due 03-15, c3 resolve due 03-15, c6 callback 03-07 ...
    assert numbers == ["TS202602200001", "TS202603050001", "TS202603100001", "TS202603140001",
                       "TS202603150001"]
    html = resp.content.decode()
    assert "已超时" in html  # overdue ones say so
    client.force_login(users["other_handler"])
    assert client.get("/my-work/").context["items"] == []
    client.force_login(users["crew"])
    assert client.get("/my-work/").status_code == 403


@pytest.mark.django_db
def test_repeat_warning_for_three_complaints_in_thirty_days(march, client, users, station):
    from reports.selectors import repeat_warnings
    from tests.complaints.factories import ComplaintFactory
    from tests.customers.factories import CustomerFactory

    who = CustomerFactory(station=station, name="赵先生")
    first = ComplaintFactory(station=station, customer=who, received_at=t(3, 1))
    second = ComplaintFactory(station=station, customer=who, received_at=t(3, 8), repeat_of=first)
    assert repeat_warnings() == []  # two are not yet a warning
    ComplaintFactory(station=station, customer=who, received_at=t(3, 18), repeat_of=second)
    assert [(w["account_no"], w["count"]) for w in repeat_warnings()] == [(who.account_no, 3)]
    ComplaintFactory(station=station, customer=None, complainant_phone="13800009999", received_at=t(2, 1))
    client.force_login(users["manager"])
    assert "赵先生" in client.get("/dashboard/").content.decode()
