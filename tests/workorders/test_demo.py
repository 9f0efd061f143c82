from datetime import timedelta

import pytest
from django.utils import timezone

from customers.demo import load_base_data, load_month
from workorders import demo
from workorders.models import Crew, WorkOrder

pytestmark = pytest.mark.django_db


def test_demo_month_gives_each_station_a_crew_and_a_month_of_orders_once():
    load_base_data()
    now = timezone.now()
    assert len(demo.stories(now - timedelta(days=30), now)) > 50
    load_month()
    count = WorkOrder.objects.count()
    assert Crew.objects.count() == 3 and count > 50
    assert demo.stories(now - timedelta(days=30), now) == []
    assert {"completed", "on_site", "en_route"} <= set(WorkOrder.objects.values_list("status", flat=True))
    assert WorkOrder.objects.filter(crew__members__username="crew_s01").exists()
