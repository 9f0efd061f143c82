"""A hand-built month for the summary and report tests. Every expected figure in the tests is
worked out from the table in `march` below; change one and the numbers in the tests change too.

Now = 2026-03-20 12:00 Asia/Shanghai. Period under test: S01, 2026-03-01 .. 2026-03-15.

| #  | station | received   | ch.     | gr | class   | ack             | resolve             | callback            | status       | notes |
|----|---------|------------|---------|----|---------|-----------------|---------------------|---------------------|--------------|-------|
| c1 | S01     | 03-02 09:00| phone   | A  | service | on time         | on time             | on time, satisfied  | closed       | verified+utility = effective |
| c2 | S01     | 03-03 09:00| counter | C  | billing | late (flag)     | late (flag)         | on time, neutral    | closed       | verified, not utility |
| c3 | S01     | 03-10 09:00| counter | C  | service | on time         | open, overdue (flag)| -                   | acknowledged | repeat of c1 |
| c4 | S01     | 03-14 09:00| web     | B  | service | open, overdue   | open, not due       | -                   | received     | no flag yet (sweep not run) |
| c5 | S01     | 03-15 20:00| phone   | C  | billing | on time         | open, warning zone  | -                   | acknowledged | at risk |
| c6 | S01     | 03-05 09:00| counter | C  | service | on time         | on time             | open, overdue       | resolved     | effective |
| c7 | S01     | 02-20 09:00| counter | C  | service | open, overdue   | open, overdue       | -                   | received     | before the period |
| c8 | S02     | 03-05 09:00| phone   | C  | service | on time         | on time             | on time, satisfied  | closed       | other station, effective |
| c9 | S01     | 03-16 00:30| counter | C  | service | on time         | on time             | on time             | closed       | after the period (local time) |

Repair orders (S01): w1 urban 03-02, arrived +40 min, restored +2 h (both on time); w2 urban
03-03, arrived +70 min (over the 60 min ceiling), restored +4 h (over 3 h); w3 rural 03-04,
arrived +100 min, on site, restore deadline (+4 h) passed; w4 rural 03-12, en route, arrival
ceiling (+120 min) passed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints.models import ComplaintCategory
from tests.complaints.factories import ComplaintFactory
from tests.workorders.factories import WorkOrderFactory
from workorders.models import WorkOrder

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=TZ)


def t(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def _complaint(station, number, received, *, channel="counter", grade="C", cat="service.attitude", **kw):
    base = {"ack_due_at": received + timedelta(days=1), "resolve_due_at": received + timedelta(days=5)}
    base.update(kw)
    base.setdefault("original_resolve_due_at", base["resolve_due_at"])
    return ComplaintFactory(number=number, station=station, received_at=received, channel=channel,
                            grade_at_intake=grade, category=ComplaintCategory.objects.get(code=cat), **base)


@pytest.fixture
def march(frozen, users, station, other_station):
    h = users["handler"]
    c = {}
    c["c1"] = _complaint(station, "TS202603020001", t(3, 2), channel="phone", grade="A", handler=h,
                         status="closed", acknowledged_at=t(3, 2, 10), resolved_at=t(3, 5),
                         callback_due_at=t(3, 6), callback_at=t(3, 5, 15), closed_at=t(3, 5, 15),
                         satisfaction="satisfied", verified=True, utility_responsible=True)
    c["c2"] = _complaint(station, "TS202603030001", t(3, 3), cat="billing.tariff", handler=h, status="closed",
                         acknowledged_at=t(3, 4, 12), ack_breached=True, resolved_at=t(3, 10),
                         resolve_breached=True, callback_due_at=t(3, 11), callback_at=t(3, 10, 12),
                         closed_at=t(3, 10, 12), satisfaction="neutral", verified=True,
                         utility_responsible=False)
    c["c3"] = _complaint(station, "TS202603100001", t(3, 10), handler=h, status="acknowledged",
                         acknowledged_at=t(3, 10, 11), resolve_breached=True, repeat_of=c["c1"])
    c["c4"] = _complaint(station, "TS202603140001", t(3, 14), channel="web", grade="B", cat="service.conduct",
                         handler=h, status="received", resolve_due_at=t(3, 25))
    c["c5"] = _complaint(station, "TS202603150001", t(3, 15, 20), channel="phone", cat="billing.tariff",
                         handler=h, status="acknowledged", acknowledged_at=t(3, 15, 21),
                         resolve_due_at=t(3, 21, 20), resolve_warn_at=t(3, 20, 8))
    c["c6"] = _complaint(station, "TS202603050001", t(3, 5), handler=h, status="resolved",
                         acknowledged_at=t(3, 5, 10), resolved_at=t(3, 6), callback_due_at=t(3, 7),
                         verified=True, utility_responsible=True)
    c["c7"] = _complaint(station, "TS202602200001", t(2, 20), handler=h, status="received")
    c["c8"] = _complaint(other_station, "TS202603050002", t(3, 5), channel="phone", handler=users["other_handler"],
                         status="closed", acknowledged_at=t(3, 5, 10), resolved_at=t(3, 6),
                         callback_due_at=t(3, 7), callback_at=t(3, 6, 10), closed_at=t(3, 6, 10),
                         satisfaction="satisfied", verified=True, utility_responsible=True)
    c["c9"] = _complaint(station, "TS202603160001", t(3, 16, 0, 30), handler=h, status="closed",
                         acknowledged_at=t(3, 16, 1), resolved_at=t(3, 17), callback_due_at=t(3, 18),
                         callback_at=t(3, 17, 10), closed_at=t(3, 17, 10), satisfaction="satisfied",
                         verified=True, utility_responsible=True)

    def wo(number, area, created, *, arrive_min, ceiling, arrived_min=None, restore_h=None, done_h=None, status):
        arrived = created + timedelta(minutes=arrived_min) if arrived_min is not None else None
        w = WorkOrderFactory(
            number=number, station=station, area_type=area, status=status,
            arrive_target_at=created + timedelta(minutes=arrive_min), arrive_warn_at=created + timedelta(minutes=arrive_min),
            arrive_due_at=created + timedelta(minutes=ceiling), arrived_at=arrived,
            arrive_breached=bool(arrived_min and arrived_min > ceiling),
            restore_due_at=arrived + timedelta(hours=restore_h) if arrived else None,
            completed_at=arrived + timedelta(hours=done_h) if done_h is not None else None,
            restore_breached=bool(done_h and done_h > restore_h))
        WorkOrder.objects.filter(pk=w.pk).update(created_at=created)  # auto_now_add: set the past here
        return w

    w = {
        "w1": wo("GD202603020001", "urban", t(3, 2, 10), arrive_min=45, ceiling=60, arrived_min=40, restore_h=3,
                 done_h=2, status="completed"),
        "w2": wo("GD202603030001", "urban", t(3, 3, 10), arrive_min=45, ceiling=60, arrived_min=70, restore_h=3,
                 done_h=4, status="completed"),
        "w3": wo("GD202603040001", "rural", t(3, 4, 10), arrive_min=90, ceiling=120, arrived_min=100, restore_h=4,
                 status="on_site"),
        "w4": wo("GD202603120001", "rural", t(3, 12, 10), arrive_min=90, ceiling=120, status="en_route"),
    }
    return {**c, **w}
