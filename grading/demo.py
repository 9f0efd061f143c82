"""Demo visits for `manage.py load_demo`: a year of account managers' visits (idempotent).

Each account manager visited their customers on the grade's schedule (SPEC §6: diamond monthly
plus the quarterly safety check and usage analysis and the yearly quality report; gold monthly;
ordinary quarterly), mostly on time, with the gaps a real year has: some customers' last visit
is overdue, some are due within the week, so /my-customers/ and the morning reminder show both.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from customers.demo import SEED, register_demo_loader
from customers.models import Customer

from .models import Visit
from .rules import VISIT_SCHEDULE, add_months

NOTES = {
    "routine": ["了解近期用电情况，客户无异议。", "走访客户，征求服务意见。", "上门沟通电费结算方式。"],
    "safety": ["检查配电室，发现接地标识缺失，已告知整改。", "安全检查：设备运行正常。"],
    "usage_analysis": ["分析峰谷用电结构，建议调整生产班次。", "提供功率因数优化建议。"],
    "quality_report": ["交付年度供电质量报告。"],
}


def load() -> str | None:
    customers = list(Customer.objects.filter(account_manager__isnull=False, account_no__startswith="33")
                     .select_related("account_manager").order_by("account_no"))
    if not customers or Visit.objects.filter(customer__in=customers).exists():
        return None
    today = timezone.localdate()
    rng = random.Random(f"{SEED}-visits")
    visits = []
    for c in customers:
        # the customer's last visit of a kind is a little before, on, or (a few) long after its due day
        for kind, months in VISIT_SCHEDULE[c.grade].items():
            day = add_months(today, -12)
            lag = rng.random()
            stop = add_months(today, -months) + timedelta(days=rng.randint(-10, 6)) if lag < 0.2 else today
            while True:
                day = add_months(day, months) + timedelta(days=rng.randint(-6, 4))
                if day > stop or day > today:
                    break
                visits.append(Visit(customer=c, account_manager=c.account_manager, kind=kind, date=min(day, today),
                                    notes=rng.choice(NOTES[kind])))
    Visit.objects.bulk_create(visits, batch_size=1000)
    return f"{len(visits)} visits"


register_demo_loader("grading", load, order=25)
