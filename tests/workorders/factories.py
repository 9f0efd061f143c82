"""Crew and work-order factories. Orders made here get fixed deadlines (urban repair: 45/60
minutes); the create service computes them from the rules."""

from datetime import timedelta

import factory
from django.utils import timezone

from clock.engine import sync
from tests.customers.factories import CustomerFactory, StationFactory
from workorders.models import Crew, WorkOrder


class CrewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Crew
        django_get_or_create = ["name"]
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"抢修{n}班")
    station = factory.SubFactory(StationFactory)

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.members.set(extracted)


class WorkOrderFactory(factory.django.DjangoModelFactory):
    """WorkOrderFactory(station=s, crew=c, status="accepted"): an urban repair created now."""

    class Meta:
        model = WorkOrder
        skip_postgeneration_save = True

    # 5000+ so that orders made here never collide with those numbered by the service (0001…)
    number = factory.Sequence(lambda n: f"GD{timezone.localdate():%Y%m%d}{5000 + n:04d}" if n < 5000
                              else f"GX{n:016d}")
    kind = "repair"
    station = factory.SubFactory(StationFactory)
    customer = factory.SubFactory(CustomerFactory, station=factory.SelfAttribute("..station"))
    address = factory.LazyAttribute(lambda o: o.customer.address if o.customer else "城东路1号")
    contact_name = factory.LazyAttribute(lambda o: o.customer.name if o.customer else "张先生")
    contact_phone = factory.LazyAttribute(lambda o: o.customer.phone if o.customer else "13900000000")
    area_type = "urban"
    status = "created"
    arrive_target_at = factory.LazyFunction(lambda: timezone.now() + timedelta(minutes=45))
    arrive_due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(minutes=60))
    arrive_warn_at = factory.SelfAttribute("arrive_target_at")

    @factory.post_generation
    def deadline_rows(obj, create, extracted, **kwargs):
        """The deadline rows the services would have written with these columns (clock.engine)."""
        if create:
            sync(obj, subject_type="work_order")
