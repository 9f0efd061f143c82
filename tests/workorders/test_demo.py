import pytest

from customers.demo import load_base_data
from workorders import demo
from workorders.models import Crew, WorkOrder

pytestmark = pytest.mark.django_db


def test_demo_loader_gives_each_station_a_crew_and_orders_once():
    load_base_data()
    assert demo.load() == "3 crews, 18 work orders created"
    assert demo.load() == "0 crews, 0 work orders created"
    assert Crew.objects.count() == 3
    assert set(WorkOrder.objects.values_list("status", flat=True)) == {"created", "dispatched", "accepted", "on_site"}
    assert WorkOrder.objects.filter(crew__members__username="crew_s01").exists()
