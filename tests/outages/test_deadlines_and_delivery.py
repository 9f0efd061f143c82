"""The notice deadline on the engine (swept like any other deadline), the customers' SMS through
core.delivery with quiet hours, the frequent-outage warnings, intake's lookup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from clock.models import Deadline
from complaints.models import Escalation
from complaints.sweep import enforce_sla
from core.delivery import deliver_due
from core.models import Notification
from core.registry import intake_notices_for
from outages import selectors, services
from outages.models import CustomerSms, FrequentOutageWarning, Outage, OutageEvent

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
NIGHT = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai: quiet hours


def planned(users, *, ahead: timedelta, lines=("L02",)):
    start = timezone.now() + ahead
    return services.outage_create(by=users["handler"], kind="planned", cause="线路检修", lines=list(lines),
                                  planned_start=start, estimated_restore_at=start + timedelta(hours=8))


def test_a_planned_outage_announced_eight_days_ahead_meets_its_notice(grid, users):
    with time_machine.travel(NOON, tick=False):
        outage = planned(users, ahead=timedelta(days=8))
        row = Deadline.objects.get(subject_type="outage", subject_id=outage.pk, kind="notice")
        assert row.due_at == outage.planned_start - timedelta(days=7)
        assert not row.running and row.met_at == NOON
        assert enforce_sla().total == 0


def test_a_planned_outage_announced_six_days_ahead_is_breached_by_the_sweep(grid, users):
    with time_machine.travel(NOON, tick=False):
        outage = planned(users, ahead=timedelta(days=6))
        row = Deadline.objects.get(subject_type="outage", subject_id=outage.pk, kind="notice")
        assert row.running and row.due_at == NOON - timedelta(days=1)
        result = enforce_sla()
    assert result.counts["outage.notice.L2"] == 1
    outage.refresh_from_db()
    assert outage.notice_breached
    # one day late: levels 1 and 2 and, 24 h past the deadline, 3 (catch-up like any deadline)
    levels = sorted(Escalation.objects.filter(subject_type="outage", subject_id=outage.pk).values_list("level", flat=True))
    assert levels == [1, 2, 3]
    assert OutageEvent.objects.filter(outage=outage, kind="escalated").count() == 3
    # the station's dispatcher and the managers hear of it
    told = set(Notification.objects.filter(kind__startswith="escalation").values_list("recipient__username", flat=True))
    assert {"handler1", "manager1"} <= told
    with time_machine.travel(NOON + timedelta(minutes=1), tick=False):
        assert enforce_sla().total == 0  # a second sweep escalates nothing


def test_starting_the_outage_stops_the_notice_clock(grid, users):
    with time_machine.travel(NOON, tick=False):
        outage = planned(users, ahead=timedelta(hours=2))
    with time_machine.travel(NOON + timedelta(hours=2), tick=False):
        services.outage_start(outage=outage, by=users["handler"])
        assert not Deadline.objects.get(subject_type="outage", subject_id=outage.pk).running


def test_a_temporary_outage_without_important_users_has_no_notice_deadline(grid, users):
    start = timezone.now() + timedelta(hours=3)
    outage = services.outage_create(by=users["handler"], kind="temporary", cause="紧急消缺", lines=["L02"],
                                    planned_start=start)
    assert outage.notice_due_at is None
    assert not Deadline.objects.filter(subject_type="outage", subject_id=outage.pk).exists()


def test_a_temporary_outage_told_to_its_important_users_late_is_breached(grid, users):
    with time_machine.travel(NOON, tick=False):
        start = timezone.now() + timedelta(hours=10)
        outage = services.outage_create(by=users["handler"], kind="temporary", cause="紧急消缺", lines=["L01"],
                                        planned_start=start)
        assert outage.notice_due_at == start - timedelta(hours=24) and outage.notice_met_at is None
        assert enforce_sla().counts["outage.notice.L2"] == 1


def test_planned_sms_wait_through_quiet_hours_and_fault_sms_do_not(grid, users, settings, tmp_path, monkeypatch):
    settings.SMS_BACKEND = "core.sms.FileSmsBackend"
    monkeypatch.setenv("SMS_FILE", str(tmp_path / "sms.log"))
    with time_machine.travel(NIGHT, tick=False):
        notice = planned(users, ahead=timedelta(days=10))
        fault = services.outage_create(by=users["handler"], kind="fault", cause="线路故障跳闸", lines=["L01"])
        result = deliver_due()
    assert result.sent == 3
    assert set(CustomerSms.objects.filter(outage=fault).values_list("status", flat=True)) == {"sent"}
    held = CustomerSms.objects.get(outage=notice)
    assert held.status == "pending"
    assert timezone.localtime(held.next_attempt_at).strftime("%H:%M") == "07:30"
    lines = (tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and all("故障停电" in x for x in lines)
    with time_machine.travel(NIGHT + timedelta(hours=9), tick=False):  # 08:00
        assert deliver_due().sent == 1
    held.refresh_from_db()
    assert held.status == "sent"
    assert len((tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()) == 4


def test_the_frequent_warning_fires_once_at_the_third_outage_of_a_month_not_at_the_fourth(grid, users):
    def outage_on_l02(day):
        with time_machine.travel(datetime(2026, 12, day, 2, 0, tzinfo=UTC), tick=False):
            o = services.outage_create(by=users["handler"], kind="fault", cause="线路故障", lines=["L02"])
            services.outage_restore(outage=o, by=users["handler"])
        return o

    outage_on_l02(1)
    outage_on_l02(2)
    assert not FrequentOutageWarning.objects.exists()
    third = outage_on_l02(3)
    warning = FrequentOutageWarning.objects.get()
    assert (warning.line_id, warning.threshold, warning.period, warning.count, warning.outage_id) == (
        grid.lines["L02"].pk, "month", "2026-12", 3, third.pk)
    told = set(Notification.objects.filter(kind="outage.frequent").values_list("recipient__username", flat=True))
    assert told == {"manager1", "leader1"}  # the managers (the station has no head here)
    outage_on_l02(4)
    assert FrequentOutageWarning.objects.count() == 1
    assert Notification.objects.filter(kind="outage.frequent").count() == 2
    assert list(selectors.frequent_warnings(user=users["manager"])) == [warning]


def test_an_area_counts_the_outages_of_its_line_and_warns_its_station_head(grid, users, station):
    station.head = users["handler"]
    station.save(update_fields=["head"])
    for day in (1, 2):
        with time_machine.travel(datetime(2026, 12, day, 2, 0, tzinfo=UTC), tick=False):
            services.outage_create(by=users["handler"], kind="fault", cause="线路故障", lines=["L01"])
    with time_machine.travel(datetime(2026, 12, 3, 2, 0, tzinfo=UTC), tick=False):
        services.outage_create(by=users["handler"], kind="fault", cause="台区故障", areas=["T01"])
    warning = FrequentOutageWarning.objects.get()
    assert warning.area_id == grid.areas["T01"].pk and warning.count == 3
    assert Notification.objects.filter(kind="outage.frequent", recipient=users["handler"]).count() == 1


def test_active_outage_for_a_customer_takes_one_query(grid, users, django_assert_num_queries):
    outage = services.outage_create(by=users["handler"], kind="fault", cause="线路故障", lines=["L01"])
    customer = grid.customers["c1"]
    with django_assert_num_queries(1):
        found = selectors.active_outage_for(customer)
    assert found.pk == outage.pk
    with django_assert_num_queries(1):
        notices = intake_notices_for(customer)
    assert notices["outage"]["number"] == outage.number and notices["outage"]["cause"] == "线路故障"
    with django_assert_num_queries(1):
        assert selectors.active_outage_for(grid.customers["c3"]) is None  # on another line


def test_an_announced_outage_is_active_once_its_planned_start_passed(grid, users):
    outage = planned(users, ahead=timedelta(hours=2))
    customer = grid.customers["c3"]
    assert selectors.active_outage_for(customer) is None
    assert selectors.active_outage_for(customer, now=outage.planned_start + timedelta(minutes=1)).pk == outage.pk
    Outage.objects.filter(pk=outage.pk).update(status="cancelled")
    assert selectors.active_outage_for(customer, now=outage.planned_start + timedelta(minutes=1)) is None
