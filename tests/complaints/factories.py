"""Complaint factories. Deadlines are set directly here (the SLA sweep and dashboard tests need
precise ones); intake through the service computes them from the policy and the calendar."""

from datetime import timedelta

import factory
from django.utils import timezone

from clock.engine import sync
from complaints.models import Complaint, ComplaintCategory, ComplaintEvent
from tests.customers.factories import CustomerFactory, StationFactory


class CategoryClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplaintCategory
        django_get_or_create = ["code"]

    code = "service"
    name = "服务规范类"
    name_en = "Service conduct"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplaintCategory
        django_get_or_create = ["code"]

    code = "service.attitude"
    name = "服务态度"
    name_en = "Attitude"
    parent = factory.SubFactory(CategoryClassFactory)


class ComplaintFactory(factory.django.DjangoModelFactory):
    """ComplaintFactory(station=s, received_at=t): status received, C-grade default deadlines
    (ack 24 h, resolve 5 days, no callback yet). Traits: acknowledged, resolved, closed, breached."""

    class Meta:
        model = Complaint
        skip_postgeneration_save = True

    # numbers from 5000 up, so a test mixing factories and real intakes (0001, 0002, ...) never collides
    number = factory.Sequence(lambda n: f"TS{timezone.localdate():%Y%m%d}{5000 + n:04d}" if n < 5000
                              else f"TX{n:016d}")
    channel = "counter"
    station = factory.SubFactory(StationFactory)
    customer = factory.SubFactory(CustomerFactory, station=factory.SelfAttribute("..station"))
    complainant_name = "张先生"
    complainant_phone = factory.Sequence(lambda n: f"137{n:08d}")
    category = factory.SubFactory(CategoryFactory)
    severity = "normal"
    description = "营业厅工作人员态度生硬。"
    received_at = factory.LazyFunction(timezone.now)
    grade_at_intake = "C"
    warning_fraction = 0.75
    ack_due_at = factory.LazyAttribute(lambda o: o.received_at + timedelta(hours=24))
    resolve_due_at = factory.LazyAttribute(lambda o: o.received_at + timedelta(days=5))
    resolve_started_at = factory.SelfAttribute("received_at")
    ack_warn_at = factory.LazyAttribute(lambda o: o.received_at + timedelta(hours=18))
    resolve_warn_at = factory.LazyAttribute(lambda o: o.received_at + timedelta(days=3, hours=18))
    original_resolve_due_at = factory.SelfAttribute("resolve_due_at")
    status = "received"

    class Params:
        acknowledged = factory.Trait(
            status="acknowledged",
            acknowledged_at=factory.LazyAttribute(lambda o: o.received_at + timedelta(hours=1)),
        )
        resolved = factory.Trait(
            status="resolved",
            acknowledged_at=factory.LazyAttribute(lambda o: o.received_at + timedelta(hours=1)),
            resolved_at=factory.LazyAttribute(lambda o: o.received_at + timedelta(days=1)),
            callback_due_at=factory.LazyAttribute(lambda o: o.received_at + timedelta(days=2)),
            resolution="已核实并整改。",
            verified=True,
            utility_responsible=True,
        )
        closed = factory.Trait(
            status="closed",
            acknowledged_at=factory.LazyAttribute(lambda o: o.received_at + timedelta(hours=1)),
            resolved_at=factory.LazyAttribute(lambda o: o.received_at + timedelta(days=1)),
            callback_due_at=factory.LazyAttribute(lambda o: o.received_at + timedelta(days=2)),
            callback_at=factory.LazyAttribute(lambda o: o.received_at + timedelta(days=1, hours=2)),
            closed_at=factory.LazyAttribute(lambda o: o.received_at + timedelta(days=1, hours=2)),
            satisfaction="satisfied",
            resolution="已核实并整改。",
            verified=True,
            utility_responsible=True,
        )
        breached = factory.Trait(
            received_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=2)),
            ack_breached=True,
        )


    @factory.post_generation
    def deadline_rows(obj, create, extracted, **kwargs):
        """The deadline rows the services would have written with these columns (clock.engine)."""
        if create:
            sync(obj, subject_type="complaint")


class ComplaintEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplaintEvent

    complaint = factory.SubFactory(ComplaintFactory)
    at = factory.LazyFunction(timezone.now)
    kind = "note"
