"""Demo outages for `manage.py load_demo` (idempotent: none are added once any exists), run through
the real services at the moments they would have happened (customers.demo.simulated_time):

- S01: a fault on its third line three days ago, the estimate moved once, restored;
- S01: a fault on its first line since 50 minutes, the estimate moved once (the board has work);
- S01: a temporary outage of an area of its second line the day after tomorrow;
- S02: a planned outage of its first line in ten days (told in time: the notice deadline is met).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from customers.demo import register_demo_loader, simulated_time


def load() -> str:
    from customers.models import Line, SupplyStation, TransformerArea

    from . import services
    from .models import Outage

    if Outage.objects.exists():
        return "outages already there"
    stations = {s.code: s for s in SupplyStation.objects.filter(code__in=["S01", "S02"])}
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["handler_s01", "handler_s02"])}
    if len(stations) < 2 or len(users) < 2:
        return "no demo stations"
    lines = {code: list(Line.objects.filter(station=s).order_by("code").values_list("code", flat=True)[:3])
             for code, s in stations.items()}
    if len(lines["S01"]) < 3 or not lines["S02"]:
        return "no demo grid"
    area = TransformerArea.objects.filter(line__station=stations["S01"], line__code=lines["S01"][1]).order_by(
        "code").values_list("code", flat=True).first()
    now = timezone.now().replace(second=0, microsecond=0)
    made = 0
    with simulated_time() as clock:
        clock.moment = now - timedelta(days=3)
        old = services.outage_create(by=users["handler_s01"], kind="fault", cause="10kV线路遭雷击跳闸",
                                     lines=[lines["S01"][2]], estimated_restore_at=clock.moment + timedelta(hours=2))
        clock.moment += timedelta(hours=1)
        services.outage_update_estimate(outage=old, by=users["handler_s01"], reason="需更换避雷器",
                                        estimated_restore_at=clock.moment + timedelta(hours=2))
        clock.moment += timedelta(hours=2)
        services.outage_restore(outage=old, by=users["handler_s01"], result="更换避雷器后恢复供电")
        clock.moment = now - timedelta(minutes=50)
        fault = services.outage_create(by=users["handler_s01"], kind="fault", cause="10kV线路故障跳闸，正在巡线",
                                       lines=[lines["S01"][0]], estimated_restore_at=now + timedelta(hours=1))
        clock.moment = now - timedelta(minutes=20)
        services.outage_update_estimate(outage=fault, by=users["handler_s01"], reason="找到故障点，需更换绝缘子",
                                        estimated_restore_at=now + timedelta(hours=2))
        clock.moment = now
        start = timezone.localtime(now + timedelta(days=2)).replace(hour=9, minute=0)
        if area:
            services.outage_create(by=users["handler_s01"], kind="temporary", cause="配变紧急消缺", areas=[area],
                                   planned_start=start, estimated_restore_at=start + timedelta(hours=3))
            made += 1
        start = timezone.localtime(now + timedelta(days=10)).replace(hour=8, minute=0)
        services.outage_create(by=users["handler_s02"], kind="planned", cause="线路检修及设备预试",
                               lines=[lines["S02"][0]], planned_start=start,
                               estimated_restore_at=start + timedelta(hours=9))
    return f"{made + 3} outages"


register_demo_loader("outages", load, order=60)
