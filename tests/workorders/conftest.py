import pytest

from tests.customers.factories import StaffFactory
from tests.workorders.factories import CrewFactory


@pytest.fixture
def crew(users, station):
    """Crew 抢修一班 at S01 with crew1 (the leader) and a second member crew1b."""
    mate = StaffFactory(username="crew1b", role="crew", station=station)
    c = CrewFactory(name="抢修一班", station=station, members=[users["crew"], mate])
    c.leader = users["crew"]
    c.save()
    return c


@pytest.fixture
def other_crew(users, other_station):
    member = StaffFactory(username="crew2", role="crew", station=other_station)
    return CrewFactory(name="城西抢修班", station=other_station, members=[member])


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")

