"""Work-order services: every transition from every state, deadlines, late arrivals, evidence."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from complaints.models import ComplaintEvent
from servicecenter.exceptions import InvalidTransition, StaleVersion, ValidationFailed
from tests.complaints.factories import ComplaintFactory
from tests.customers.factories import CustomerFactory
from tests.workorders.factories import WorkOrderFactory
from workorders import services
from workorders.choices import WorkOrderStatus
from workorders.lifecycle import TRANSITIONS, allowed_actions
from workorders.models import WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
STATUSES = list(WorkOrderStatus.values)
ACTIONS = list(TRANSITIONS)


def _run(action, order, user, crew):
    kw = {"work_order": order, "by": user, "version": order.version}
    if action == "dispatch":
        return services.work_order_dispatch(crew=crew, **kw)
    if action == "accept":
        return services.work_order_accept(**kw)
    if action == "depart":
        return services.work_order_depart(**kw)
    if action == "arrive":
        return services.work_order_arrive(**kw)
    if action == "complete":
        return services.work_order_complete(notes="更换熔断器，恢复供电。", **kw)
    return services.work_order_cancel(reason="客户自行恢复", **kw)


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_from_every_state(action, status, users, station, crew):
    order = WorkOrderFactory(station=station, crew=None if status == "created" else crew, status=status)
    sources, target = TRANSITIONS[action]
    before_events = WorkOrderEvent.objects.filter(work_order=order).count()
    if status in sources:
        done = _run(action, order, users["handler"], crew)
        assert done.status == target
        assert done.version == 2
        assert getattr(done, services.STAMP[action]) is not None
        event = WorkOrderEvent.objects.filter(work_order=order).last()
        assert (event.kind, event.from_status, event.to_status) == (action, status, target)
    else:
        with pytest.raises(InvalidTransition) as exc:
            _run(action, order, users["handler"], crew)
        assert exc.value.extra["allowed_actions"] == sorted(allowed_actions(status))
        assert exc.value.status_code == 409
        fresh = WorkOrder.objects.get(pk=order.pk)
        assert (fresh.status, fresh.version) == (status, 1)
        assert WorkOrderEvent.objects.filter(work_order=order).count() == before_events


def test_the_whole_walk_records_each_server_time_and_client_time(users, station, crew):
    client = datetime(2026, 11, 25, 9, 58, tzinfo=SH)
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=SH), tick=False):
        order = services.work_order_create(by=users["handler"], station=station, address="城东路8号")
        order = services.work_order_dispatch(work_order=order, by=users["handler"], crew=crew, version=1)
        order = services.work_order_accept(work_order=order, by=users["crew"], version=2, client_time=client)
    assert order.accepted_at == datetime(2026, 11, 25, 10, 0, tzinfo=SH)
    assert order.client_accepted_at == client
    assert list(order.events.values_list("kind", flat=True)) == ["created", "dispatch", "accept"]
    assert order.events.last().client_at == client


def test_stale_version_changes_nothing(users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched", version=3)
    with pytest.raises(StaleVersion):
        services.work_order_accept(work_order=order, by=users["crew"], version=2)
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert (fresh.status, fresh.version, fresh.accepted_at) == ("dispatched", 3, None)
    assert not fresh.events.exists()


def test_a_write_racing_another_is_refused_by_the_guarded_update(users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched")
    mine = WorkOrder.objects.get(pk=order.pk)
    services.work_order_accept(work_order=order, by=users["crew"], version=1)  # the crew mate was faster
    with pytest.raises(StaleVersion):
        services.work_order_cancel(work_order=mine, by=users["handler"], version=1, reason="重复")
    assert WorkOrder.objects.get(pk=order.pk).status == "accepted"


@pytest.mark.parametrize(("area", "target", "ceiling", "restore_hours"), [
    ("urban", 45, 60, 3), ("rural", 90, 120, 4), ("remote", 120, 240, 6),
])
def test_repair_deadlines_by_area(users, station, crew, area, target, ceiling, restore_hours):
    created = datetime(2026, 11, 25, 10, 0, tzinfo=SH)
    customer = CustomerFactory(station=station, grade="B")
    with time_machine.travel(created, tick=False):
        order = services.work_order_create(by=users["handler"], customer=customer, area_type=area)
    assert order.arrive_target_at == created + timedelta(minutes=target)
    assert order.arrive_due_at == created + timedelta(minutes=ceiling)
    assert order.arrive_warn_at == order.arrive_target_at
    assert order.restore_due_at is None and order.due_at is None
    order = services.work_order_dispatch(work_order=order, by=users["handler"], crew=crew, version=1)
    order = services.work_order_accept(work_order=order, by=users["crew"], version=2)
    order = services.work_order_depart(work_order=order, by=users["crew"], version=3)
    arrived = created + timedelta(minutes=20)
    with time_machine.travel(arrived, tick=False):
        order = services.work_order_arrive(work_order=order, by=users["crew"], version=4)
    assert order.restore_due_at == arrived + timedelta(hours=restore_hours)
    assert order.restore_warn_at == arrived + timedelta(hours=restore_hours * 0.75)


@pytest.mark.parametrize("area", ["urban", "rural", "remote"])
@pytest.mark.parametrize("who", ["grade_a", "special", "first", "complaint_grade_a"])
def test_grade_a_and_important_users_get_30_minutes_everywhere(users, station, area, who):
    created = datetime(2026, 11, 25, 10, 0, tzinfo=SH)
    customer = CustomerFactory(station=station, grade="A" if who == "grade_a" else "C",
                               important_level=who if who in ("special", "first") else "none")
    complaint = ComplaintFactory(station=station, customer=customer, grade_at_intake="A") if who.startswith(
        "complaint") else None
    with time_machine.travel(created, tick=False):
        order = services.work_order_create(by=users["handler"], customer=customer, complaint=complaint,
                                           area_type=area)
    assert order.arrive_target_at == order.arrive_due_at == created + timedelta(minutes=30)
    assert order.arrive_warn_at == created + timedelta(minutes=22, seconds=30)


def test_second_level_important_user_keeps_the_area_deadlines(users, station):
    customer = CustomerFactory(station=station, important_level="second")
    order = services.work_order_create(by=users["handler"], customer=customer, area_type="rural")
    assert order.arrive_due_at - order.created_at == timedelta(minutes=120)


def test_other_kinds_carry_a_due_date(users, station):
    due = timezone.now() + timedelta(days=2)
    order = services.work_order_create(by=users["handler"], station=station, kind="meter_check",
                                       address="城东路9号", due_at=due)
    assert order.due_at == due and order.arrive_due_at is None
    default = services.work_order_create(by=users["handler"], station=station, kind="survey", address="城东路9号")
    assert default.due_at > default.created_at + timedelta(days=2)
    with pytest.raises(ValidationFailed) as exc:
        services.work_order_create(by=users["handler"], station=station, kind="inspection", address="x",
                                   due_at=timezone.now() - timedelta(hours=1))
    assert exc.value.field == "due_at"


def test_numbers_are_gd_date_and_a_daily_sequence(users, station):
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=SH), tick=False):
        first = services.work_order_create(by=users["handler"], station=station, address="a")
        second = services.work_order_create(by=users["handler"], station=station, address="b")
    assert (first.number, second.number) == ("GD202611250001", "GD202611250002")


def test_created_from_a_complaint_shows_on_its_timeline(users, station):
    complaint = ComplaintFactory(station=station, complainant_name="李女士", complainant_phone="13811112222")
    order = services.work_order_create(by=users["handler"], complaint=complaint)
    assert order.station == station and order.customer == complaint.customer
    assert order.contact_name == "李女士" and order.contact_phone == "13811112222"
    event = ComplaintEvent.objects.get(complaint=complaint, kind="work_order_created")
    assert event.data["work_order"] == order.number
    assert list(complaint.work_orders.all()) == [order]


def test_late_arrival_needs_a_reason_and_whether_the_customer_was_told(users, station, crew):
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=SH), tick=False):
        order = services.work_order_create(by=users["handler"], station=station, address="城东路8号")
    order = WorkOrderFactory._meta.model.objects.get(pk=order.pk)
    WorkOrder.objects.filter(pk=order.pk).update(status="en_route", crew=crew)
    order.refresh_from_db()
    with time_machine.travel(datetime(2026, 11, 25, 11, 5, tzinfo=SH), tick=False):
        with pytest.raises(ValidationFailed) as exc:
            services.work_order_arrive(work_order=order, by=users["crew"], version=1)
        assert exc.value.field == "delay_reason"
        with pytest.raises(ValidationFailed) as exc:
            services.work_order_arrive(work_order=order, by=users["crew"], version=1, delay_reason="道路施工绕行")
        assert exc.value.field == "customer_informed"
        assert WorkOrder.objects.get(pk=order.pk).status == "en_route"
        order = services.work_order_arrive(work_order=order, by=users["crew"], version=1, delay_reason="道路施工绕行",
                                           customer_informed=True, lat="30.274084", lng="120.155070")
    assert order.status == "on_site" and order.arrive_breached
    assert order.delay_reason == "道路施工绕行" and order.customer_informed is True
    assert str(order.arrival_lat) == "30.274084"


def test_arrival_on_time_needs_no_reason(users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="en_route")
    order = services.work_order_arrive(work_order=order, by=users["crew"], version=1)
    assert order.status == "on_site" and not order.arrive_breached and order.customer_informed is None


def test_completion_requires_notes(users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="on_site")
    with pytest.raises(ValidationFailed) as exc:
        services.work_order_complete(work_order=order, by=users["crew"], version=1, notes="  ")
    assert exc.value.field == "notes"
    assert WorkOrder.objects.get(pk=order.pk).status == "on_site"


def test_dispatch_only_to_a_crew_of_the_same_station(users, station, other_crew):
    order = WorkOrderFactory(station=station)
    with pytest.raises(ValidationFailed) as exc:
        services.work_order_dispatch(work_order=order, by=users["handler"], crew=other_crew, version=1)
    assert exc.value.field == "crew"


def test_dispatch_notifies_the_crew_members(users, station, crew):
    from core.models import Notification

    order = WorkOrderFactory(station=station)
    services.work_order_dispatch(work_order=order, by=users["handler"], crew=crew, version=1)
    recipients = set(Notification.objects.filter(kind="work_order_dispatched").values_list(
        "recipient__username", flat=True))
    assert recipients == {"crew1", "crew1b"}


def test_events_are_append_only(users, station):
    order = services.work_order_create(by=users["handler"], station=station, address="x")
    event = order.events.get()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


# --- perform(): a step inside the caller's transaction, on a row it locked ------------------------

def test_perform_needs_the_callers_transaction(users, station, crew, monkeypatch):
    from django.db import transaction

    order = WorkOrderFactory(station=station, crew=crew, status="dispatched")
    monkeypatch.setattr(transaction.get_connection(), "in_atomic_block", False)
    with pytest.raises(transaction.TransactionManagementError):
        services.perform("accept", work_order=order, by=users["crew"], version=1)


@pytest.mark.parametrize(("action", "status", "extra"), [
    ("dispatch", "created", {}),
    ("accept", "dispatched", {}),
    ("depart", "accepted", {}),
    ("arrive", "en_route", {"lat": "30.1", "lng": "120.2", "delay_reason": "绕行", "customer_informed": True}),
    ("complete", "on_site", {"notes": "已恢复"}),
    ("cancel", "accepted", {"reason": "重复"}),
])
def test_a_locked_step_leaves_the_instance_as_the_database_has_it(action, status, extra, users, station, crew):
    """With locked=True the new state is set on the instance, not read back: it must be the row."""
    from django.db import transaction

    def row(o):
        return {f.attname: getattr(o, f.attname) for f in WorkOrder._meta.concrete_fields}

    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=SH), tick=False):
        order = WorkOrderFactory(station=station, crew=None if status == "created" else crew, status=status,
                                 restore_due_at=timezone.now() + timedelta(hours=1))
    if action == "dispatch":
        extra = {"crew": crew}
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=SH), tick=False), transaction.atomic():
        locked = WorkOrder.objects.select_for_update().get(pk=order.pk)
        done = services.perform(action, work_order=locked, by=users["handler"], version=1, locked=True,
                                client_time=timezone.now() - timedelta(minutes=1), **extra)
    assert done is locked
    assert row(done) == row(WorkOrder.objects.get(pk=order.pk))
    assert done.version == 2 and WorkOrderEvent.objects.filter(work_order=order, kind=action).count() == 1


def test_a_photo_whose_rows_fail_leaves_no_file_in_storage(users, station, crew, settings, tmp_path, monkeypatch):
    from tests.workorders.helpers import upload

    settings.MEDIA_ROOT = str(tmp_path)
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched")

    def broken(*args, **kwargs):
        raise RuntimeError("the event could not be written")

    monkeypatch.setattr(services, "_event", broken)
    with pytest.raises(RuntimeError):
        services.work_order_add_photo(work_order=order, by=crew.leader, upload=upload())
    assert not order.photos.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
