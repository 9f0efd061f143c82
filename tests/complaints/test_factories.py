import pytest

from tests.complaints.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def test_factory_traits_give_consistent_complaints(station):
    c = ComplaintFactory(station=station, closed=True)
    assert c.status == "closed" and c.customer.station == station
    assert c.resolve_due_at > c.received_at and c.callback_at <= c.callback_due_at
