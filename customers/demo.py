"""Demo data for `manage.py load_demo`: stations, one user per role per station, customers, consumption.

Everything here is deterministic (seeded) and idempotent: a second run creates nothing new.

Other apps add their own demo data (complaints, work orders, grade runs) with a loader:

    # <app>/demo.py  (imported by load_demo through autodiscovery)
    from customers.demo import register_demo_loader

    def load():                       # idempotent; returns a one-line summary or None
        ...
    register_demo_loader("complaints", load, order=20)

Loaders run after the base data, in `order`, then name.
"""

from __future__ import annotations

import heapq
import logging
import random
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from core.models import Notification
from servicecenter.roles import ACCOUNT_MANAGER, ADMIN, COUNTER, CREW, HANDLER, MANAGER, landing_url

from .choices import CustomerKind, Grade, ImportantLevel
from .models import ConsumptionRecord, Customer, Line, StaffProfile, SupplyStation, TransformerArea

log = logging.getLogger(__name__)
LOCAL_TZ = ZoneInfo("Asia/Shanghai")

DEMO_PASSWORD = "demo12345"
CUSTOMERS_PER_STATION = 100
MONTHS = 13
SEED = 95598

STATIONS = [
    ("S01", "城东供电所", "urban", "城东区"),
    ("S02", "城西供电所", "rural", "城西区"),
    ("S03", "山区供电所", "remote", "青山镇"),
]
TIERS = {"S01": "chief", "S02": "senior", "S03": "standard"}


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    role: str
    station: str | None = None
    leadership: bool = False
    tier: str = ""
    head_of: str | None = None


def demo_users() -> list[DemoUser]:
    users = [
        DemoUser("admin", "系统管理员", ADMIN),
        DemoUser("manager", "周经理", MANAGER),
        DemoUser("leader", "郑主任", MANAGER, leadership=True),
    ]
    surnames = {"S01": "陈", "S02": "林", "S03": "黄"}
    for code, _name, _area, _district in STATIONS:
        s = code.lower()
        sur = surnames[code]
        users += [
            DemoUser(f"head_{s}", f"{sur}所长", HANDLER, code, head_of=code),
            DemoUser(f"counter_{s}", f"{sur}晓琳", COUNTER, code),
            DemoUser(f"handler_{s}", f"{sur}志强", HANDLER, code),
            DemoUser(f"am_{s}", f"{sur}慧敏", ACCOUNT_MANAGER, code, tier=TIERS[code]),
            DemoUser(f"crew_{s}", f"{sur}建国", CREW, code),
        ]
    return users


# --- extension point ---------------------------------------------------------------------------

DemoLoader = Callable[[], "str | None"]
_LOADERS: dict[str, tuple[int, DemoLoader]] = {}


def register_demo_loader(name: str, fn: DemoLoader, *, order: int = 50) -> None:
    """Register an idempotent loader that `load_demo` runs after the base data."""
    _LOADERS[name] = (order, fn)


def demo_loaders() -> list[tuple[str, DemoLoader]]:
    return [(name, fn) for name, (_order, fn) in sorted(_LOADERS.items(), key=lambda kv: (kv[1][0], kv[0]))]


# --- base data ------------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
         "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "文", "华", "红", "玉兰", "志明", "海燕", "国强", "婷"]
STREETS = ["人民路", "解放路", "建设路", "中山路", "和平路", "胜利路", "新华路", "幸福路", "工业路", "滨江路",
           "文化路", "长青路"]
BUSINESSES = {
    CustomerKind.COMMERCIAL: ["超市", "酒店", "商贸城", "餐饮店", "药房", "汽车服务中心", "影城"],
    CustomerKind.INDUSTRIAL: ["机械厂", "纺织厂", "食品有限公司", "化工有限公司", "电子科技有限公司", "水泥厂",
                              "钢构有限公司"],
    CustomerKind.AGRICULTURAL: ["灌溉站", "养殖场", "农业合作社", "茶园", "果蔬基地"],
    CustomerKind.PUBLIC: ["人民医院", "第一中学", "自来水厂", "政务服务中心", "污水处理厂", "通信基站"],
}
PREFIX = ["华丰", "宏达", "永安", "新兴", "金源", "恒通", "瑞祥", "东方", "绿野", "顺发", "鑫盛", "安康"]
KIND_WEIGHTS = [(CustomerKind.RESIDENTIAL, 60), (CustomerKind.COMMERCIAL, 16), (CustomerKind.INDUSTRIAL, 12),
                (CustomerKind.AGRICULTURAL, 6), (CustomerKind.PUBLIC, 6)]
# typical monthly kWh range and price (yuan/kWh) per kind
USAGE = {
    CustomerKind.RESIDENTIAL: (120, 600, "0.5880"),
    CustomerKind.COMMERCIAL: (2_000, 30_000, "0.7600"),
    CustomerKind.INDUSTRIAL: (20_000, 400_000, "0.6500"),
    CustomerKind.AGRICULTURAL: (500, 8_000, "0.4900"),
    CustomerKind.PUBLIC: (5_000, 120_000, "0.6200"),
}
VOLTAGE = {CustomerKind.RESIDENTIAL: "0.22", CustomerKind.COMMERCIAL: "0.4", CustomerKind.INDUSTRIAL: "10",
           CustomerKind.AGRICULTURAL: "0.4", CustomerKind.PUBLIC: "10"}


def demo_months(today: date | None = None) -> list[date]:
    """The 13 months ending last month, oldest first."""
    today = today or timezone.localdate()
    y, m = today.year, today.month
    out = []
    for _ in range(MONTHS):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        out.append(date(y, m, 1))
    return out[::-1]


def _customer_specs(station_index: int, code: str, district: str) -> list[dict]:
    rng = random.Random(f"{SEED}-{code}")
    kinds = [k for k, w in KIND_WEIGHTS for _ in range(w)]
    specs = []
    for i in range(1, CUSTOMERS_PER_STATION + 1):
        kind = rng.choice(kinds)
        person = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if kind == CustomerKind.RESIDENTIAL:
            name, contact = person, ""
            address = f"{district}{rng.choice(STREETS)}{rng.randint(1, 300)}号{rng.randint(1, 30)}栋" \
                      f"{rng.randint(1, 6)}单元{rng.randint(1, 28):02d}{rng.randint(1, 4):02d}室"
        else:
            name = f"{district}{rng.choice(PREFIX)}{rng.choice(BUSINESSES[kind])}"
            contact = person
            address = f"{district}{rng.choice(STREETS)}{rng.randint(1, 500)}号"
        phone = f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"
        if kind != CustomerKind.RESIDENTIAL and rng.random() < 0.3:
            phone = f"0571-{rng.randint(80_000_000, 89_999_999)}"
        big = kind in (CustomerKind.INDUSTRIAL, CustomerKind.PUBLIC)
        spec = dict(
            account_no=f"33{station_index:02d}{i:06d}",
            name=name, kind=kind, voltage_kv=Decimal(VOLTAGE[kind]), address=address, phone=phone,
            contact_name=contact,
            dual_power_supply=big and rng.random() < 0.25,
            dual_circuit=big and rng.random() < 0.35,
            important_level=(rng.choice([ImportantLevel.SPECIAL, ImportantLevel.FIRST, ImportantLevel.SECOND,
                                         ImportantLevel.SECOND, ImportantLevel.TEMPORARY])
                             if big and rng.random() < 0.3 else ImportantLevel.NONE),
            has_pv=rng.random() < (0.25 if kind != CustomerKind.RESIDENTIAL else 0.06),
            has_ev_charging=rng.random() < (0.2 if kind == CustomerKind.COMMERCIAL else 0.05),
        )
        specs.append(spec)
    return specs


# Grid topology (SPEC §12): 20-60 lines per station, 20-80 transformer areas per line. The demo's
# 100 customers of a station live on its first POPULATED_LINES lines (so that an outage on one of
# them reaches a few dozen customers); the other lines carry areas without demo customers.
POPULATED_LINES = 4
LINE_NAMES = ["城东", "滨江", "望湖", "学府", "工业", "新桥", "南山", "北岸", "青石", "柳营", "花园", "金沙"]


def load_grid(stations: dict[str, SupplyStation]) -> dict[str, int]:
    """The stations' lines and areas (bulk, idempotent by code) and the demo customers on them
    (only those without a line yet). Returns what was created."""
    created = {"lines": 0, "areas": 0}
    for code, station in stations.items():
        rng = random.Random(f"{SEED}-grid-{code}")
        have = set(Line.objects.filter(station=station).values_list("code", flat=True))
        lines = [Line(station=station, code=f"{code}-L{n:02d}",
                      name=f"10kV{LINE_NAMES[n % len(LINE_NAMES)]}{n:02d}线")
                 for n in range(1, rng.randint(20, 60) + 1) if f"{code}-L{n:02d}" not in have]
        Line.objects.bulk_create(lines, batch_size=500)
        created["lines"] += len(lines)
        by_code = dict(Line.objects.filter(station=station).values_list("code", "pk"))
        have_areas = set(TransformerArea.objects.filter(station=station).values_list("code", flat=True))
        areas = []
        for line_code, line_id in sorted(by_code.items()):
            for n in range(1, rng.randint(20, 80) + 1):
                area_code = f"{line_code}-T{n:02d}"
                if area_code not in have_areas:
                    areas.append(TransformerArea(station=station, line_id=line_id, code=area_code,
                                                 name=f"{line_code[-3:]}线{n:02d}号台区"))
        TransformerArea.objects.bulk_create(areas, batch_size=1000)
        created["areas"] += len(areas)
        populated = list(TransformerArea.objects.filter(station=station, line__code__in=sorted(by_code)[:POPULATED_LINES])
                         .order_by("code").values_list("pk", "line_id"))
        homeless = list(Customer.objects.filter(station=station, line__isnull=True, account_no__startswith="33")
                        .order_by("account_no"))
        for customer in homeless:
            customer.area_id, customer.line_id = rng.choice(populated)
        Customer.objects.bulk_update(homeless, ["area_id", "line_id"], batch_size=500)
    return created


def _monthly(account_no: str, kind: str, period: date) -> tuple[Decimal, Decimal]:
    """Deterministic kWh and amount for a customer and month (seasonal: summer and winter peaks)."""
    rng = random.Random(f"{SEED}-{account_no}")
    low, high, price = USAGE[kind]
    base = rng.uniform(low, high)
    season = {1: 1.25, 2: 1.15, 7: 1.35, 8: 1.4, 12: 1.2}.get(period.month, 1.0)
    noise = random.Random(f"{SEED}-{account_no}-{period:%Y%m}").uniform(0.85, 1.15)
    kwh = Decimal(str(round(base * season * noise, 2)))
    return kwh, (kwh * Decimal(price)).quantize(Decimal("0.01"))


def _grade(spec: dict, rank: int | None) -> str:
    """The default grading rules (SPEC §6), so a first grade run confirms most demo grades."""
    if spec["dual_power_supply"] or spec["important_level"] in ("special", "first") or (rank and rank <= 10):
        return Grade.A
    if (spec["dual_circuit"] or spec["important_level"] == "second" or spec["has_pv"] or spec["has_ev_charging"]
            or (rank and rank <= 50)):
        return Grade.B
    return Grade.C


@transaction.atomic
def load_base_data(today: date | None = None) -> dict[str, int]:
    """Stations, users, customers and consumption. Returns what was created this time."""
    created = {"stations": 0, "users": 0, "customers": 0, "consumption": 0, "lines": 0, "areas": 0}
    User = get_user_model()
    stations = {}
    for code, name, area, _district in STATIONS:
        st, new = SupplyStation.objects.get_or_create(code=code, defaults={"name": name, "area_type": area})
        stations[code] = st
        created["stations"] += new
    groups = {g.name: g for g in Group.objects.all()}
    users = {}
    for number, du in enumerate(demo_users(), start=1):
        user, new = User.objects.get_or_create(username=du.username, defaults={
            "first_name": du.name, "email": f"{du.username}@example.com",
            "is_staff": du.role == ADMIN, "is_superuser": du.role == ADMIN})
        if new:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            group = groups.get(du.role) or Group.objects.get_or_create(name=du.role)[0]
            user.groups.add(group)
            StaffProfile.objects.update_or_create(user=user, defaults={
                "station": stations.get(du.station), "leadership": du.leadership, "manager_tier": du.tier,
                # a mobile number, so SMS notifications of the demo reach the console backend
                "phone": f"1390000{number:04d}"})
            created["users"] += 1
        users[du.username] = user
        if du.head_of and stations[du.head_of].head_id is None:
            SupplyStation.objects.filter(pk=stations[du.head_of].pk).update(head=user)

    months = demo_months(today)
    existing = set(Customer.objects.filter(account_no__startswith="33").values_list("account_no", flat=True))
    new_customers = []
    for index, (code, _name, _area, district) in enumerate(STATIONS, start=1):
        specs = _customer_specs(index, code, district)
        totals = {s["account_no"]: sum(_monthly(s["account_no"], s["kind"], p)[1] for p in months[-12:])
                  for s in specs}
        ranked = sorted(totals, key=lambda no: -totals[no])
        rank = {no: r for r, no in enumerate(ranked, start=1)}
        am = users[f"am_{code.lower()}"]
        for n, spec in enumerate(specs):
            if spec["account_no"] in existing:
                continue
            grade = _grade(spec, rank[spec["account_no"]])
            # account managers look after every A and B customer and a few ordinary ones
            manager = am if grade in (Grade.A, Grade.B) or n % 7 == 0 else None
            new_customers.append(Customer(station=stations[code], grade=grade, account_manager=manager, **spec))
    Customer.objects.bulk_create(new_customers, batch_size=500)
    created["customers"] = len(new_customers)
    # customers of long standing (their visit schedule runs from then, so some visits are overdue)
    Customer.objects.filter(account_no__in=[c.account_no for c in new_customers]).update(
        created_at=timezone.now() - timedelta(days=400))
    created.update(load_grid(stations))

    ids = dict(Customer.objects.filter(account_no__startswith="33").values_list("account_no", "id"))
    kinds = dict(Customer.objects.filter(account_no__startswith="33").values_list("account_no", "kind"))
    have = set(ConsumptionRecord.objects.filter(customer_id__in=ids.values(), period__in=months)
               .values_list("customer_id", "period"))
    rows = []
    for index in range(1, len(STATIONS) + 1):
        for i in range(1, CUSTOMERS_PER_STATION + 1):
            no = f"33{index:02d}{i:06d}"
            if no not in ids:
                continue
            for period in months:
                if (ids[no], period) in have:
                    continue
                kwh, amount = _monthly(no, kinds[no], period)
                rows.append(ConsumptionRecord(customer_id=ids[no], period=period, kwh=kwh, amount_yuan=amount))
    ConsumptionRecord.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    created["consumption"] = len(rows)
    return created


def demo_user_table() -> list[tuple[str, str, str, str]]:
    """(username, role, station, landing page) of each demo user that exists."""
    User = get_user_model()
    existing = {u.username: u for u in User.objects.filter(username__in=[d.username for d in demo_users()])}
    rows = []
    for du in demo_users():
        user = existing.get(du.username)
        if user is None:
            continue
        role = du.role
        if du.leadership:
            role += ", leadership"
        if du.tier:
            role += f", {du.tier}"
        if du.head_of:
            role += ", station head"
        rows.append((du.username, role, du.station or "all", landing_url(user)))
    return rows


# --- a month of history: stories run at simulated moments ------------------------------------------

class DemoClock:
    """What `timezone.now()` answers while a demo timeline runs (None: the real time)."""

    def __init__(self):
        self.moment = None
        self._real = timezone.now

    def __call__(self):
        return self.moment if self.moment is not None else self._real()


@contextmanager
def simulated_time():
    """Run the real services as if at past moments: inside, `django.utils.timezone.now()` (which
    every service, `auto_now` field and the sweep read) answers `clock.moment`. Demo data only:
    this is how a month of orders gets the timestamps a real month would have left."""
    clock = DemoClock()
    with mock.patch.object(timezone, "now", clock):
        yield clock


def run_stories(stories, *, until, clock: DemoClock) -> dict[str, int]:
    """Run generator "stories" in time order. A story yields the moment of its next step; the code
    after the yield is that step, run with the clock at that moment. A story whose next moment is
    after `until` stops there (the rest is the future: the order stays in the state it reached).
    A step that fails (a state the story did not expect) ends its story; the others go on."""
    heap: list[tuple] = []
    counts = {"steps": 0, "failed": 0}
    for seq, story in enumerate(stories):
        moment = next(story, None)
        if moment is not None:
            heapq.heappush(heap, (moment, seq, story))
    while heap:
        moment, seq, story = heapq.heappop(heap)
        if moment > until:
            continue
        clock.moment = moment
        try:
            nxt = next(story, None)
        except Exception:  # noqa: BLE001 - one story's surprise must not stop the demo
            log.warning("demo story %s stopped at %s", seq, moment, exc_info=True)
            counts["failed"] += 1
            continue
        counts["steps"] += 1
        if nxt is not None:
            heapq.heappush(heap, (max(nxt, moment), seq, story))
    clock.moment = None
    return counts


def office_hours(moment: datetime, rng: random.Random) -> datetime:
    """The same moment if it falls in office hours (08:30–18:00 local), else the next morning."""
    local = timezone.localtime(moment, LOCAL_TZ)
    if 8 * 60 + 30 <= local.hour * 60 + local.minute < 18 * 60:
        return moment
    day = local.date() + timedelta(days=1 if local.hour >= 18 else 0)
    return datetime.combine(day, time(8, 30), tzinfo=LOCAL_TZ) + timedelta(minutes=rng.randint(0, 90),
                                                                        seconds=rng.randint(0, 59))


def demo_phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}"


def demo_person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


# --- the demo month: every app's stories on one timeline --------------------------------------------

MONTH_DAYS = 30
StoryMaker = Callable[[datetime, datetime], list]
_STORY_MAKERS: dict[str, tuple[int, StoryMaker]] = {}


def register_demo_stories(name: str, make: StoryMaker, *, order: int = 50) -> None:
    """Register `make(start, now) -> [story, ...]` for the demo month (an empty list when its
    data is already there: idempotent). All stories of all apps run on one timeline, in time
    order, so a sweep story sees every order that exists at its moment."""
    _STORY_MAKERS[name] = (order, make)


def load_month() -> str | None:
    now = timezone.now().replace(microsecond=0)
    start = now - timedelta(days=MONTH_DAYS)
    stories, made = [], []
    for name, (_order, make) in sorted(_STORY_MAKERS.items(), key=lambda kv: (kv[1][0], kv[0])):
        some = make(start, now)
        if some:
            made.append(f"{name} {len(some)}")
            stories += some
    if not stories:
        return None
    with transaction.atomic(), simulated_time() as clock:
        counts = run_stories(stories, until=now, clock=clock)
    with transaction.atomic():
        # what the month told people was delivered then, and most of it was read
        past = Notification.objects.filter(created_at__lt=now - timedelta(hours=2))
        past.filter(status="pending").update(status="sent", sent_at=now - timedelta(hours=2))
        past.filter(read_at__isnull=True, created_at__lt=now - timedelta(days=2)).update(read_at=now - timedelta(days=1))
    return (f"{MONTH_DAYS} days: {', '.join(made)} stories, {counts['steps']} steps"
            + (f", {counts['failed']} stopped early" if counts["failed"] else ""))


register_demo_loader("month", load_month, order=80)
