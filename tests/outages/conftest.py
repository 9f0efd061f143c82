"""A small grid at S01: line L01 (areas T01, T02), line L02 (area T03); customers on them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import Line, TransformerArea
from outages import services
from tests.customers.factories import CustomerFactory


@dataclass
class Grid:
    station: object
    lines: dict = field(default_factory=dict)
    areas: dict = field(default_factory=dict)
    customers: dict = field(default_factory=dict)


@pytest.fixture
def grid(station, other_station):
    g = Grid(station=station)
    for code in ("L01", "L02"):
        g.lines[code] = Line.objects.create(station=station, code=code, name=f"10kV东风{code[-2:]}线")
    for code, line in (("T01", "L01"), ("T02", "L01"), ("T03", "L02")):
        g.areas[code] = TransformerArea.objects.create(station=station, line=g.lines[line], code=code,
                                                       name=f"幸福小区{code[-1]}号台区")
    # a line of the same code at the other station: codes are read within the outage's station
    Line.objects.create(station=other_station, code="L01", name="10kV城西01线")
    spec = {
        "c1": ("L01", "T01", "13900000001", "none"),
        "c2": ("L01", "T02", "13900000002", "none"),
        "c3": ("L02", "T03", "13900000003", "none"),
        "c4": ("L01", "T01", "", "none"),  # no phone: counted, not texted
        "c5": ("L01", "T01", "13900000005", "first"),  # an important user (重要用户)
        "c6": (None, None, "13900000006", "none"),  # not on the grid
    }
    for key, (line, area, phone, important) in spec.items():
        g.customers[key] = CustomerFactory(station=station, line=g.lines.get(line), area=g.areas.get(area),
                                           phone=phone, important_level=important)
    return g


@pytest.fixture
def fault(grid, users):
    """A fault outage on line L01 (4 customers, 3 with a phone), opened by the station's handler."""
    return services.outage_create(by=users["handler"], kind="fault", cause="10kV线路故障跳闸", lines=["L01"],
                                  estimated_restore_at=timezone.now() + timedelta(hours=3))


@pytest.fixture
def crew(users, station):
    from tests.workorders.factories import CrewFactory

    c = CrewFactory(name="抢修一班", station=station, members=[users["crew"]])
    c.leader = users["crew"]
    c.save()
    return c
