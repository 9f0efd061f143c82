"""The work-order deadlines in the SLA sweep (workorders/sweep.py): arrival and restore."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from complaints.models import Escalation
from complaints.sweep import enforce_sla, sources
from core.models import Notification
from tests.customers.factories import CustomerFactory, StaffFactory
from workorders import services
from workorders.models import WorkOrder, WorkOrderEvent

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def levels(order, kind=None):
    qs = Escalation.objects.filter(subject_type="work_order", subject_id=order.pk)
    if kind:
        qs = qs.filter(kind=kind)
    return sorted(qs.values_list("kind", "level"))


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return enforce_sla()


def test_work_order_sources_are_registered_from_the_app_hook():
    assert {"work_order.arrive", "work_order.restore"} <= {s.key for s in sources()}


@pytest.mark.parametrize("area, target, ceiling", [("urban", 45, 60), ("rural", 90, 120), ("remote", 120, 240)])
def test_arrival_levels_by_area(area, target, ceiling, users, station, crew):
    customer = CustomerFactory(station=station, grade="C")
    order = services.work_order_create(by=users["handler"], station=station, customer=customer, area_type=area,
                                       now=T0)
    services.work_order_dispatch(work_order=order, by=users["handler"], crew=crew, version=order.version,
                                 now=T0 + timedelta(minutes=1))
    assert order.arrive_warn_at == T0 + timedelta(minutes=target)

    sweep_at(T0 + timedelta(minutes=target) - timedelta(seconds=1))
    assert levels(order) == []
    sweep_at(T0 + timedelta(minutes=target))
    assert levels(order) == [("arrive", 1)]
    sweep_at(T0 + timedelta(minutes=ceiling))
    assert levels(order) == [("arrive", 1), ("arrive", 2)]
    order.refresh_from_db()
    assert order.arrive_breached is True
    sweep_at(T0 + timedelta(minutes=ceiling, hours=24) - timedelta(seconds=1))
    assert len(levels(order)) == 2
    sweep_at(T0 + timedelta(minutes=ceiling, hours=24))
    assert levels(order) == [("arrive", 1), ("arrive", 2), ("arrive", 3)]
    # the crew leader hears of the warning, urgently (a repair does not wait for the morning);
    # the order's history tells each step
    assert Notification.objects.get(recipient=users["crew"], kind="escalation.L1").urgent is True
    assert WorkOrderEvent.objects.filter(work_order=order, kind="escalated").count() == 3


def test_grade_a_arrival_warns_at_three_quarters_of_the_30_minutes(users, station, crew):
    am = users["account_manager"]
    customer = CustomerFactory(station=station, grade="A", account_manager=am)
    order = services.work_order_create(by=users["handler"], station=station, customer=customer, now=T0)
    assert order.arrive_due_at == T0 + timedelta(minutes=30)
    sweep_at(T0 + timedelta(minutes=22))
    assert levels(order) == []
    sweep_at(T0 + timedelta(minutes=22, seconds=30))
    assert levels(order) == [("arrive", 1)]
    sweep_at(T0 + timedelta(minutes=30))
    assert levels(order) == [("arrive", 1), ("arrive", 2)]
    assert Notification.objects.filter(recipient=am, kind__startswith="escalation").exists()


def test_restore_clock_runs_from_arrival_and_a_met_arrival_never_escalates(users, station, crew):
    head = StaffFactory(username="head1", role="handler", station=station)
    station.head = head
    station.save()
    order = services.work_order_create(by=users["handler"], station=station,
                                       customer=CustomerFactory(station=station), now=T0)
    leader = users["crew"]
    order = services.work_order_dispatch(work_order=order, by=users["handler"], crew=crew, version=order.version,
                                         now=T0 + timedelta(minutes=2))
    order = services.work_order_accept(work_order=order, by=leader, version=order.version,
                                       now=T0 + timedelta(minutes=3))
    order = services.work_order_depart(work_order=order, by=leader, version=order.version,
                                       now=T0 + timedelta(minutes=4))
    arrived = T0 + timedelta(minutes=30)
    order = services.work_order_arrive(work_order=order, by=leader, version=order.version, now=arrived)
    assert order.restore_due_at == arrived + timedelta(hours=3)

    sweep_at(arrived + timedelta(hours=2, minutes=14))
    assert levels(order) == []  # arrival met: never; restore: not yet at its warning
    sweep_at(arrived + timedelta(hours=2, minutes=15))
    assert levels(order) == [("restore", 1)]
    assert set(Notification.objects.filter(kind="escalation.L1").values_list("recipient__username", flat=True)) == {
        "crew1", "head1"}
    sweep_at(arrived + timedelta(hours=3))
    assert levels(order) == [("restore", 1), ("restore", 2)]
    services.work_order_complete(work_order=WorkOrder.objects.get(pk=order.pk), by=leader,
                                 version=WorkOrder.objects.get(pk=order.pk).version, notes="已更换熔断器",
                                 now=arrived + timedelta(hours=4))
    sweep_at(arrived + timedelta(days=3))
    assert levels(order) == [("restore", 1), ("restore", 2)]  # completed: no severe level


def test_cancelled_order_does_not_escalate(users, station):
    order = services.work_order_create(by=users["handler"], station=station,
                                       customer=CustomerFactory(station=station), now=T0)
    services.work_order_cancel(work_order=order, by=users["handler"], version=order.version, reason="重复报修",
                               now=T0 + timedelta(minutes=5))
    sweep_at(T0 + timedelta(days=2))
    assert levels(order) == []
