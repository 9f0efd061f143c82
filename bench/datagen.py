"""The deterministic data set: stations, staff, customers, 12 months of consumption, a year of
95598 orders of every kind in a center's proportions (ORDER_MIX; realistic SLA columns per kind's
declaration and policy, and the escalations they already raised) and work orders (one per repair
call, and the dispatchers' own).

Everything is drawn from `random.Random(seed)` and placed relative to an anchor time (default:
the start of the current minute), so the same seed and anchor give the same rows. Big tables are
loaded with COPY (see copyload.py); small ones with the ORM.
"""

from __future__ import annotations

import io
import random
import time
from dataclasses import dataclass, field
from datetime import UTC as _UTC
from datetime import date, datetime, timedelta

from django.db import connection
from tqdm import tqdm

from .copyload import NULL, copy_model, esc, fk_checks_off, fmt, indexes_dropped, reset_sequence
from .scales import Scale

LOCAL = timedelta(hours=8)  # Asia/Shanghai has no daylight saving time
PASSWORD = "bench-pass-123"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰晓东海波辉鹏飞丹宁琳雪梅"
STREETS = ["人民路", "解放路", "建设路", "中山路", "文化路", "和平路", "新华路", "青年路", "胜利路", "光明街"]
COMPANY = ["机械厂", "食品有限公司", "纺织厂", "物流园", "商贸中心", "酒店", "医院", "学校", "水厂", "数据中心"]
DESCRIPTIONS = [
    "家中频繁停电，影响正常生活，要求尽快查明原因。",
    "电费账单金额明显偏高，怀疑电表计量不准。",
    "报装申请已超过承诺时限仍未接电。",
    "抢修人员到达不及时，停电时间过长。",
    "营业厅工作人员服务态度差。",
    "电压不稳，家用电器损坏，要求赔偿。",
    "停电未提前公告，造成生产损失。",
    "线路施工后现场未清理，存在安全隐患。",
]

# (value, weight)
KINDS = [("residential", 85), ("commercial", 9), ("industrial", 3), ("agricultural", 2), ("public", 1)]
CHANNELS = [("phone", 45), ("counter", 20), ("wechat", 15), ("web", 10), ("visit", 5), ("letter", 3),
            ("forwarded", 2), ("hotline_12345", 1)]
OPEN_STATUS = [("received", 20), ("acknowledged", 50), ("paused", 5), ("resolved", 25)]
AMOUNT = {"residential": (5.0, 0.6), "commercial": (8.3, 0.8), "industrial": (10.8, 1.0),
          "agricultural": (6.0, 0.7), "public": (7.8, 0.7)}  # lognormal(mu, sigma) yuan per month

# --- the orders of every kind (SPEC §11) ---------------------------------------------------------
# A 95598 center's mix (issue 13): fault repair ~45 %, enquiries ~25 %, service requests ~12 %,
# complaints ~8 %, the rest opinions, reports, suggestions and praise.
ORDER_MIX = [("repair", 45), ("enquiry", 25), ("service", 12), ("complaint", 8), ("opinion", 4), ("report", 3),
             ("suggestion", 2), ("praise", 1)]
# (share still open at the anchor, the window in days the open ones were received in): a repair
# call or an enquiry is done within a day or two, a complaint's reply takes workdays
OPEN_SHARE = {"repair": (0.005, 2), "enquiry": (0.005, 2), "praise": (0.02, 3), "service": (0.1, 30),
              "complaint": (0.1, 30), "opinion": (0.1, 30), "report": (0.1, 30), "suggestion": (0.1, 30)}
SERVICE_TYPES = [("reconnection", 25), ("meter_fault", 20), ("reading_anomaly", 15), ("appliance_damage", 10),
                 ("other", 30)]
HIGHER_AUTHORITY_CHANNELS = ("forwarded", "hotline_12398", "hotline_12345")
# work-order arrival target, arrival ceiling (minutes) and restore (hours) per area (SPEC §4)
WO_AREAS = {"urban": (45, 60, 3), "rural": (90, 120, 4), "remote": (120, 240, 6)}
KIND_DESCRIPTIONS = {
    "complaint": DESCRIPTIONS,
    "report": ["举报供电所工作人员收取好处费。", "举报有人私拉乱接、窃电。", "举报抄表员估抄电量。"],
    "opinion": ["对停电安排有意见，希望避开用电高峰。", "对营业厅排队时间长有意见。"],
    "suggestion": ["建议增加线上缴费渠道。", "建议停电通知提前短信告知。"],
    "enquiry": ["咨询阶梯电价标准。", "咨询峰谷电价如何办理。", "咨询电费账单明细。", "咨询新装用电所需材料。"],
    "praise": ["表扬抢修人员冒雨抢修，服务周到。", "表扬营业厅工作人员耐心解答。"],
    "service": ["申请欠费复电。", "家用电器损坏，申请核查。", "电表故障，申请校验。", "抄表数据异常，申请核实。"],
    "repair": ["家中停电，请尽快抢修。", "小区整栋停电。", "电线杆倾斜，存在安全隐患。", "电压过低，电器无法使用。"],
}
RESOLUTIONS = {
    "complaint": "已联系客户并处理完毕，客户认可处理结果。",
    "enquiry": "已按现行政策答复客户。",
    "repair": "故障已排除，恢复供电。",
    "service": "已按申请办理完毕。",
}


def _choices(rng: random.Random, table, k):
    values = [v for v, _ in table]
    weights = [w for _, w in table]
    return rng.choices(values, weights=weights, k=k)


@dataclass
class DataSet:
    """What scenarios need to know about the generated data."""

    scale: str
    seed: int
    anchor: datetime
    stations: list[dict] = field(default_factory=list)  # {id, code}
    users: dict[str, list[dict]] = field(default_factory=dict)  # role -> [{id, username, station_id, token}]
    crews: list[dict] = field(default_factory=list)  # {id, name, station_id, member_ids}
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    grade_period: str = ""  # YYYY-MM of the month the grade run evaluates
    password: str = PASSWORD

    def as_dict(self) -> dict:
        return {"scale": self.scale, "seed": self.seed, "anchor": self.anchor.isoformat(),
                "counts": self.counts, "timings": {k: round(v, 2) for k, v in self.timings.items()},
                "grade_period": self.grade_period}


class Calendar:
    """Working days for deadline arithmetic: the seeded WorkCalendar rows, else weekends off."""

    def __init__(self):
        from core.models import WorkCalendarDay

        self.special = dict(WorkCalendarDay.objects.values_list("date", "is_workday"))
        self._cache: dict[tuple[date, int], date] = {}

    def is_workday(self, d: date) -> bool:
        return self.special.get(d, d.weekday() < 5)

    def nth_workday_after(self, d: date, n: int) -> date:
        key = (d, n)
        if key not in self._cache:
            cur, left = d, n
            while left > 0:
                cur += timedelta(days=1)
                if self.is_workday(cur):
                    left -= 1
            self._cache[key] = cur
        return self._cache[key]

    def workdays_due(self, start: datetime, n: int) -> datetime:
        """23:59:59 Asia/Shanghai of the n-th working day after the (local) day of `start`, in UTC.

        The generators work in naive UTC datetimes (formatting them is much cheaper; the COPY
        session's time zone is UTC)."""
        local_day = (start + LOCAL).date()
        due_day = self.nth_workday_after(local_day, n)
        return datetime(due_day.year, due_day.month, due_day.day, 23, 59, 59) - LOCAL  # naive UTC


def _ts(dt: datetime | None) -> str:
    return NULL if dt is None else dt.isoformat()


def _b(v: bool) -> str:
    return "t" if v else "f"


def _id(v) -> str:
    return NULL if v is None else str(v)


class Generator:
    def __init__(self, scale: Scale, seed: int, anchor: datetime, progress: bool = True):
        self.s = scale
        self.seed = seed
        self.anchor = anchor.astimezone(_UTC).replace(second=0, microsecond=0)
        self.progress = progress
        self.ds = DataSet(scale=scale.name, seed=seed, anchor=self.anchor)
        # Generated complaints end at local midnight of the anchor day, so the intake scenario's
        # numbers for today start at 0001 (the daily sequence has 4 digits).
        local = self.anchor + LOCAL
        self.data_end = datetime(local.year, local.month, local.day, tzinfo=_UTC) - LOCAL
        if self.anchor - self.data_end < timedelta(hours=3):
            self.data_end = self.anchor - timedelta(hours=3)
        self.anchor_n = self.anchor.replace(tzinfo=None)  # naive UTC, for the row generators
        self.data_end_n = self.data_end.replace(tzinfo=None)

    def rng(self, salt: str) -> random.Random:
        return random.Random(f"{self.seed}:{salt}")

    # ------------------------------------------------------------------------------------------
    def run(self) -> DataSet:
        steps = [("staff", self.staff), ("grid", self.grid), ("customers", self.customers), ("consumption", self.consumption),
                 ("orders", self.orders), ("work_orders", self.work_orders),
                 ("deadlines", self.deadline_rows), ("analyze", self.analyze)]
        for name, step in steps:
            started = time.perf_counter()
            step()
            self.ds.timings[name] = time.perf_counter() - started
        from .copyload import TIMINGS

        self.ds.timings.update({f"  {k}": v for k, v in TIMINGS.items()})
        return self.ds

    # ------------------------------------------------------------------------------------------
    def staff(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password
        from django.contrib.auth.models import Group
        from knox.crypto import create_token_string, hash_token
        from knox.models import AuthToken
        from knox.settings import CONSTANTS

        from customers.models import StaffProfile, SupplyStation

        rng = self.rng("staff")
        User = get_user_model()
        areas = ["urban", "rural", "remote"]
        stations = [SupplyStation(code=f"S{i + 1:02d}", name=f"第{i + 1}供电所", area_type=areas[i % 3])
                    for i in range(self.s.stations)]
        SupplyStation.objects.bulk_create(stations)
        stations = list(SupplyStation.objects.order_by("code"))
        self.ds.stations = [{"id": st.id, "code": st.code, "area_type": st.area_type} for st in stations]
        pw = make_password(PASSWORD)
        specs = []  # (username, role, station, leadership, tier)
        specs += [(f"manager{i}", "manager", None, i == 1, "") for i in range(1, 6)]  # manager1 leads
        specs += [("bench_admin", "admin", None, False, "")]
        for st in stations:
            specs += [(f"{st.code.lower()}_counter{i}", "counter", st, False, "") for i in range(1, 4)]
            specs += [(f"{st.code.lower()}_handler{i}", "handler", st, False, "")
                      for i in range(1, self.s.handlers_per_station + 1)]
            specs += [(f"{st.code.lower()}_am{i}", "account_manager", st, False,
                       ["chief", "senior", "standard"][i % 3]) for i in range(1, self.s.account_managers_per_station + 1)]
            specs += [(f"{st.code.lower()}_crew{c}_{m}", "crew", st, False, "")
                      for c in range(1, self.s.crews_per_station + 1) for m in range(1, self.s.crew_size + 1)]
        users = User.objects.bulk_create([
            User(username=u, password=pw, first_name=u, email=f"{u}@bench.example",
                 is_staff=(role == "admin"), is_superuser=(role == "admin"))
            for u, role, *_ in specs])
        users = {u.username: u for u in User.objects.filter(username__in=[s[0] for s in specs])}
        groups = {g.name: g for g in Group.objects.all()}
        for role in {s[1] for s in specs}:
            groups.setdefault(role, Group.objects.get_or_create(name=role)[0])
        Through = User.groups.through
        Through.objects.bulk_create([Through(user_id=users[u].id, group_id=groups[role].id)
                                     for u, role, *_ in specs])
        StaffProfile.objects.bulk_create([
            StaffProfile(user=users[u], station=st, leadership=lead, manager_tier=tier,
                         phone=f"139{rng.randrange(10**8):08d}")
            for u, role, st, lead, tier in specs])
        # knox tokens (stored as digests): the plain token is known only here, at creation
        tokens = {users[u].id: create_token_string() for u, *_ in specs}
        AuthToken.objects.bulk_create([
            AuthToken(digest=hash_token(t), token_key=t[:CONSTANTS.TOKEN_KEY_LENGTH], user_id=uid, expiry=None)
            for uid, t in tokens.items()])
        self.ds.users = {}
        for u, role, st, _lead, _tier in specs:
            self.ds.users.setdefault(role, []).append(
                {"id": users[u].id, "username": u, "station_id": st.id if st else None,
                 "token": tokens[users[u].id]})
        for st in stations:  # the station head: the first handler
            SupplyStation.objects.filter(pk=st.pk).update(head=users[f"{st.code.lower()}_handler1"])
        self._crews(stations, users)
        self.ds.counts["users"] = len(specs)

    def _crews(self, stations, users) -> None:
        try:
            from workorders.models import Crew
        except ImportError:
            return
        crews = []
        for st in stations:
            for c in range(1, self.s.crews_per_station + 1):
                crews.append(Crew(name=f"{st.code}-抢修{c}班", station=st,
                                  leader=users[f"{st.code.lower()}_crew{c}_1"]))
        Crew.objects.bulk_create(crews)
        Through = Crew.members.through
        rows = []
        for crew in Crew.objects.order_by("id"):
            code, num = crew.name.split("-")[0], crew.name.split("抢修")[1].rstrip("班")
            member_ids = [users[f"{code.lower()}_crew{num}_{m}"].id for m in range(1, self.s.crew_size + 1)]
            rows += [Through(crew_id=crew.id, user_id=uid) for uid in member_ids]
            self.ds.crews.append({"id": crew.id, "name": crew.name, "station_id": crew.station_id,
                                  "member_ids": member_ids})
        Through.objects.bulk_create(rows)

    # ------------------------------------------------------------------------------------------
    def grid(self) -> None:
        """Each station's lines (20-60 10 kV feeders) and their transformer areas (20-80 each), with
        COPY (SPEC §12 topology: an outage's scope). `self.areas[station_id]`: [(area_id, line_id)]
        for the customers' assignment. With `scale.big_line`, each station's first line (L001) is
        its big line: 80 areas (the top of the range), `self.big_areas[station_id]`, that
        `scale.big_line` of the station's customers are spread over (20,000 at full scale: ~250 a
        area, inside the 50-300 a transformer area serves); the outage bench's 20,000-customer line."""
        self.areas: dict[int, list[tuple[int, int]]] = {}
        self.big_areas: dict[int, list[tuple[int, int]]] = {}
        try:
            from customers.models import Line, TransformerArea
        except ImportError:
            return
        rng = self.rng("grid")
        now = fmt(self.anchor)
        lines, areas = [], []
        for st in self.ds.stations:
            mine = self.areas.setdefault(st["id"], [])
            big = self.big_areas.setdefault(st["id"], [])
            for ln in range(1, rng.randint(20, 60) + 1):
                line_id = len(lines) + 1
                lines.append((str(line_id), str(st["id"]), f"L{ln:03d}", esc(f"10kV{rng.choice(STREETS)}{ln:02d}线"),
                              now, now))
                n_areas = rng.randint(20, 80)
                if ln == 1 and self.s.big_line:
                    n_areas = 80
                for a in range(1, n_areas + 1):
                    area_id = len(areas) + 1
                    areas.append((str(area_id), str(st["id"]), str(line_id), f"L{ln:03d}-T{a:02d}",
                                  esc(f"{rng.choice(STREETS)}{a}号台区"), now, now))
                    (big if ln == 1 and self.s.big_line else mine).append((area_id, line_id))
        with fk_checks_off():
            copy_model(Line, ["id", "station_id", "code", "name", "created_at", "updated_at"], iter(lines),
                       total=len(lines), desc="lines", progress=self.progress)
            copy_model(TransformerArea, ["id", "station_id", "line_id", "code", "name", "created_at", "updated_at"],
                       iter(areas), total=len(areas), desc="transformer areas", progress=self.progress)
        reset_sequence(Line)
        reset_sequence(TransformerArea)
        self.ds.counts["lines"], self.ds.counts["areas"] = len(lines), len(areas)

    # ------------------------------------------------------------------------------------------
    def customers(self) -> None:
        from customers.models import Customer

        rng = self.rng("customers")
        n = self.s.customers
        st_ids = [st["id"] for st in self.ds.stations]
        ams = {st["id"]: [u["id"] for u in self.ds.users.get("account_manager", []) if u["station_id"] == st["id"]]
               for st in self.ds.stations}
        kinds = _choices(rng, KINDS, n)
        now = fmt(self.anchor)
        # kept for the complaint and work-order generators: (station_id, grade, phone, name, address)
        self.cust: list[tuple] = []
        cols = ["id", "account_no", "name", "kind", "voltage_kv", "station_id", "address", "phone",
                "contact_name", "dual_power_supply", "dual_circuit", "important_level", "has_pv",
                "has_ev_charging", "grade", "grade_source", "account_manager_id", "created_at", "updated_at",
                "line_id", "area_id"]
        areas = getattr(self, "areas", {})
        big_areas = getattr(self, "big_areas", {})
        grid_rng = self.rng("customers-grid")  # its own stream: the other columns stay as they were
        # which of each station's customers (by their rank in the station) are on its big line
        per_station = {st: len(range(k, n, len(st_ids))) for k, st in enumerate(st_ids)}
        on_big = {st: set(grid_rng.sample(range(m), min(self.s.big_line, m))) if big_areas.get(st) else set()
                  for st, m in per_station.items()}

        def rows():
            for i in range(n):
                cid = i + 1
                st = st_ids[i % len(st_ids)]
                kind = kinds[i]
                residential = kind == "residential"
                if residential or kind == "agricultural":
                    name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
                    voltage = "0.22" if rng.random() < 0.8 else "0.4"
                else:
                    name = f"{rng.choice(SURNAMES)}{rng.choice(SURNAMES)}{rng.choice(COMPANY)}"
                    voltage = rng.choice(["0.4", "10", "10", "35"]) if kind == "industrial" else "0.4"
                big = kind in ("industrial", "public")
                dual_power = big and rng.random() < 0.05
                dual_circuit = (not residential) and rng.random() < 0.04
                r = rng.random()
                important = ("special" if r < 0.002 else "first" if r < 0.006 else "second" if r < 0.015
                             else "none") if big else "none"
                pv = rng.random() < 0.03
                ev = rng.random() < 0.02
                grade = ("A" if dual_power or important in ("special", "first") or rng.random() < 0.002 else
                         "B" if dual_circuit or important == "second" or pv or ev or rng.random() < 0.01 else "C")
                am = rng.choice(ams[st]) if (grade != "C" or big) and ams[st] else None
                phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
                address = f"{rng.choice(STREETS)}{rng.randrange(1, 999)}号"
                self.cust.append((st, grade, phone, name, address))
                pool = big_areas[st] if i // len(st_ids) in on_big[st] else areas.get(st)
                area, line = grid_rng.choice(pool) if pool else (None, None)
                yield (str(cid), f"{3300000000 + cid:010d}", esc(name), kind, voltage, str(st), address, phone,
                       esc(name[:3]), _b(dual_power), _b(dual_circuit), important, _b(pv), _b(ev), grade, "auto",
                       _id(am), now, now, _id(line), _id(area))

        with indexes_dropped(Customer), fk_checks_off():
            count, _ = copy_model(Customer, cols, rows(), total=n, desc="customers", progress=self.progress)
        reset_sequence(Customer)
        self.ds.counts["customers"] = count

    # ------------------------------------------------------------------------------------------
    def consumption(self) -> None:
        from customers.models import ConsumptionRecord

        rng = self.rng("consumption")
        local = self.anchor + LOCAL
        # the grade run evaluates the previous month: 12 months ending there
        last = date(local.year, local.month, 1) - timedelta(days=1)
        last = last.replace(day=1)
        periods = []
        y, m = last.year, last.month
        for _ in range(self.s.months):
            periods.append(date(y, m, 1))
            y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        periods.reverse()
        self.ds.grade_period = f"{last:%Y-%m}"
        now = fmt(self.anchor)
        cols = ["id", "customer_id", "period", "kwh", "amount_yuan", "created_at", "updated_at"]
        n = self.s.customers * len(periods)
        kinds = self._customer_kinds()
        pstr = [p.isoformat() for p in periods]
        season = [1.0 + 0.25 * abs(6.5 - p.month) / 5.5 for p in periods]  # winter and summer peaks

        def rows():
            rid = 0
            for i in range(self.s.customers):
                mu, sigma = AMOUNT[kinds[i]]
                base = rng.lognormvariate(mu, sigma)
                price = 0.56 if kinds[i] == "residential" else 0.75
                for j, p in enumerate(pstr):
                    rid += 1
                    amount = round(base * season[j] * rng.uniform(0.8, 1.2), 2)
                    yield (str(rid), str(i + 1), p, f"{amount / price:.2f}", f"{amount:.2f}", now, now)

        with indexes_dropped(ConsumptionRecord), fk_checks_off():
            count, _ = copy_model(ConsumptionRecord, cols, rows(), total=n, desc="consumption",
                                  progress=self.progress)
        reset_sequence(ConsumptionRecord)
        self.ds.counts["consumption"] = count

    def _customer_kinds(self) -> list[str]:
        with connection.cursor() as cur:
            cur.execute("SELECT kind FROM customers_customer ORDER BY id")
            return [r[0] for r in cur.fetchall()]

    # ------------------------------------------------------------------------------------------
    def _categories(self) -> list[int]:
        from complaints.models import ComplaintCategory

        items = list(ComplaintCategory.objects.filter(parent__isnull=False).values_list("id", flat=True))
        if not items:  # categories not seeded by a migration (yet): a minimal taxonomy
            parent = ComplaintCategory.objects.create(code="bench", name="基准")
            for i, (code, name) in enumerate([("bench.fault", "故障处理"), ("bench.tariff", "电费电价"),
                                              ("bench.attitude", "服务态度")]):
                ComplaintCategory.objects.create(code=code, name=name, parent=parent, sort_order=i)
            items = list(ComplaintCategory.objects.filter(parent__isnull=False).values_list("id", flat=True))
        return sorted(items)

    def _policies(self):
        """policy_for(kind, severity, grade, channel, service_type) -> (policy id, targets dict, targets
        JSON text) of the policy intake would pick (the kind's seeded policy), or (None, {}, "{}")."""
        from complaints.kinds import KINDS as ORDER_KINDS
        from complaints.models import SlaPolicy

        try:
            from complaints.sla import pick_policy
        except ImportError:
            pick_policy = None
        policies = list(SlaPolicy.objects.filter(active=True))
        cache: dict[tuple, tuple] = {}

        def policy_for(kind: str, severity: str, grade: str, channel: str, service_type: str = ""):
            key = (kind, severity, grade, channel, service_type)
            if key not in cache:
                p = pick_policy(policies, severity=severity, grade=grade, channel=channel, kind=kind,
                                service_type=service_type) if pick_policy else None
                if p is None:
                    cache[key] = (None, {}, "{}")
                else:
                    targets = p.targets(kinds=ORDER_KINDS[kind].deadlines) if hasattr(p, "targets") else {}
                    cache[key] = (p.pk, targets, fmt(targets))
            return cache[key]

        return policy_for

    def orders(self) -> None:  # noqa: C901 - one pass that writes a whole realistic row of any kind
        """A year of 95598 orders of every kind (ORDER_MIX), in one COPY of the one order table:
        each kind with its number prefix, the deadline columns its declaration has (complaints/kinds.py)
        with the targets of the policy intake picks for it (the seeded KIND_POLICIES), mostly closed,
        the open ones with running deadlines and the escalations already raised. Repair calls (not
        inside the customer's installation) get their repair work order in work_orders()."""
        from complaints.kinds import KINDS as ORDER_KINDS
        from complaints.models import Complaint, Escalation
        from core.models import DailySequence

        rng = self.rng("complaints")
        cal = Calendar()
        cats = self._categories()
        policy_for = self._policies()
        n = self.s.orders
        end = self.data_end_n
        year = 365 * 86400
        kinds = _choices(rng, ORDER_MIX, n)
        # received times: closed ones spread over the year, open ones over their kind's open window
        # (a day's intake of a prefix stays within the 4-digit daily sequence); sorted: ids grow with
        # time, as live
        times = []
        for kind in kinds:
            share, window_days = OPEN_SHARE[kind]
            is_open = rng.random() < share
            span = window_days * 86400 if is_open else year
            times.append((end - timedelta(seconds=rng.random() * span), is_open, kind))
        times.sort(key=lambda t: t[0])
        n_open = sum(1 for t in times if t[1])
        handlers = {}
        for u in self.ds.users.get("handler", []):
            handlers.setdefault(u["station_id"], []).append(u["id"])
        counters = {}
        for u in self.ds.users.get("counter", []):
            counters.setdefault(u["station_id"], []).append(u["id"])
        managers = [u["id"] for u in self.ds.users.get("manager", [])]
        st_ids = [st["id"] for st in self.ds.stations]
        area_of = {s["id"]: s["area_type"] for s in self.ds.stations}
        seq: dict[tuple[str, date], int] = {}
        anchor = self.anchor_n
        esc_buf = io.StringIO()
        esc_id = 0
        esc_now = fmt(anchor)
        by_kind: dict[str, int] = {}
        open_by_kind: dict[str, int] = {}
        # the repair work orders of the repair calls: (order id, created, arrived, completed or None,
        # customer index or None, station, grade, phone, name, address)
        self.repair_calls: list[tuple] = []

        def add_esc(cid, st, kind, level, due, created, acked):
            nonlocal esc_id
            esc_id += 1
            ack_by = NULL
            ack_at = NULL
            if acked:
                ack_by, ack_at = str(managers[esc_id % len(managers)]), _ts(created + timedelta(hours=2))
            esc_buf.write(f"{esc_id}\tcomplaint\t{cid}\t{cid}\t{st}\t{kind}\t{level}\t{_ts(due)}\t\t{ack_by}\t"
                          f"{ack_at}\t{_ts(created)}\t{esc_now}\n")

        def escalate(cid, st, kind, start, due, warn, met_at, major):
            """The escalations this deadline has already raised by the anchor time."""
            upto = met_at or anchor
            level = 0
            if warn and warn <= upto:
                add_esc(cid, st, kind, 1, due, warn, met_at is not None or rng.random() < 0.7)
                level = 1
            if due <= upto:
                add_esc(cid, st, kind, 2, due, due, met_at is not None or rng.random() < 0.5)
                level = 2
                if major or due + timedelta(hours=24) <= upto:
                    add_esc(cid, st, kind, 3, due, due if major else due + timedelta(hours=24),
                            met_at is not None or rng.random() < 0.3)
                    level = 3
            return level  # the level this deadline has reached (its deadline row's, see deadline_rows)

        def due_after(start: datetime, target) -> tuple[datetime, float]:
            """(due time, the target in hours, for the spreads) of a policy target [amount, unit]."""
            amount, unit = target[0], target[1]
            if unit == "workdays":
                due = cal.workdays_due(start, amount)
                return due, (due - start).total_seconds() / 3600
            hours = amount / 60 if unit == "minutes" else amount
            return start + timedelta(hours=hours), hours

        cols = ["id", "number", "kind", "service_type", "answer", "address", "inside_installation",
                "channel", "customer_id", "complainant_name", "complainant_phone", "anonymous",
                "category_id", "severity", "description", "received_at", "station_id", "handler_id",
                "received_by_id", "status", "grade_at_intake", "sla_policy_id", "sla_targets", "warning_fraction",
                "ack_due_at", "resolve_due_at", "callback_due_at", "resolve_started_at", "original_resolve_due_at",
                "ack_warn_at", "resolve_warn_at", "callback_warn_at",
                "ack_breached", "resolve_breached", "callback_breached",
                "assign_due_at", "assign_warn_at", "assign_breached", "assigned_at",
                "acknowledged_at", "resolved_at", "callback_at", "closed_at", "paused_at", "status_before_pause",
                "resolved_by_id", "resolution", "verified", "utility_responsible", "satisfaction", "reopen_count",
                "typical", "version", "created_at", "updated_at"]
        channels = _choices(rng, CHANNELS, n)
        n_cust = len(self.cust)
        pause_rows = []

        def rows():
            for i, (received, is_open, kind) in enumerate(times):
                cid = i + 1
                decl = ORDER_KINDS[kind]
                channel = channels[i]
                anonymous = False
                ci = None
                if rng.random() < 0.9 and n_cust:
                    ci = rng.randrange(n_cust)
                    st, grade, phone, name, cust_addr = self.cust[ci]
                    customer = str(ci + 1)
                else:
                    customer = NULL
                    st, grade = st_ids[i % len(st_ids)], "C"
                    cust_addr = f"{rng.choice(STREETS)}{rng.randrange(1, 999)}号"
                    anonymous = rng.random() < (0.4 if kind == "report" else 0.2)
                    phone = "" if anonymous else f"13{rng.randrange(10**9):09d}"
                    name = "" if anonymous else rng.choice(SURNAMES) + rng.choice(GIVEN)
                major = kind == "complaint" and rng.random() < 0.03
                severity = "major" if major else "normal"
                urgent = major or channel in HIGHER_AUTHORITY_CHANNELS
                service_type = _choices(rng, SERVICE_TYPES, 1)[0] if kind == "service" else ""
                address = cust_addr if kind == "repair" else ""
                inside = (rng.random() < 0.1) if kind == "repair" else None
                policy_id, targets, targets_json = policy_for(kind, severity, grade, channel, service_type)
                has = {d for d in decl.deadlines if d in targets}
                ack_due = ack_warn = resolve_due = resolve_warn = None
                ack_h = res_h = 0.0
                if "ack" in has:
                    ack_due, ack_h = due_after(received, targets["ack"])
                    ack_warn = received + timedelta(hours=ack_h * 0.75)
                if "resolve" in has:
                    resolve_due, res_h = due_after(received, targets["resolve"])
                    resolve_warn = received + (resolve_due - received) * 0.75
                assign_due = assign_warn = assigned_at = None
                if "assign" in has:
                    assign_due, assign_h = due_after(received, targets["assign"])
                    assign_warn = received + timedelta(hours=assign_h * 0.75)
                    assigned_at = received + timedelta(hours=assign_h * (rng.uniform(1.05, 2.0) if rng.random() < 0.05
                                                                         else rng.uniform(0.1, 0.9)))
                original_resolve = NULL
                local_day = (received + LOCAL).date()
                skey = (decl.prefix, local_day)
                seq[skey] = seq.get(skey, 0) + 1
                number = f"{decl.prefix}{local_day:%Y%m%d}{seq[skey]:04d}"
                handler = rng.choice(handlers[st]) if handlers.get(st) else None
                received_by = rng.choice(counters[st]) if channel == "counter" and counters.get(st) else None
                ack_at = res_at = cb_at = closed_at = paused_at = cb_due = cb_warn = None
                verified = utility = None
                satisfaction = resolution = before_pause = answer = ""
                resolved_by = None
                cap = anchor - timedelta(minutes=1)
                # a repair call's work order: created a few minutes after the call, arrival and
                # restore per area and grade (SPEC §4); its completion resolves the call
                wo = None
                if kind == "repair" and not inside:
                    _t, c_min, r_h = WO_AREAS[area_of[st]]
                    if grade == "A":
                        c_min = 30
                    w_created = received + timedelta(minutes=rng.uniform(1, 8))
                    w_arr = w_created + timedelta(minutes=c_min * (rng.uniform(1.0, 1.5) if rng.random() < 0.06
                                                                   else rng.uniform(0.3, 0.95)))
                    w_comp = w_arr + timedelta(hours=r_h * (rng.uniform(1.0, 1.3) if rng.random() < 0.05
                                                            else rng.uniform(0.1, 0.8)))
                    wo = [w_created, w_arr, w_comp]
                if is_open:
                    if "ack" in has:
                        status = _choices(rng, OPEN_STATUS, 1)[0]
                    elif kind == "repair":
                        # a long repair still on site, or repaired and waiting for the callback
                        status = "received" if rng.random() < 0.3 else "resolved"
                    elif decl.has_callback:
                        status = "received" if rng.random() < 0.75 else "resolved"
                    else:
                        status = "received"
                    # an approved extension for some of the older open ones
                    if resolve_due is not None and status in ("received", "acknowledged", "paused") and \
                            resolve_due < anchor and rng.random() < 0.3:
                        original_resolve = _ts(resolve_due)
                        resolve_due = cal.workdays_due(received, 10)
                        resolve_warn = received + (resolve_due - received) * 0.75
                else:
                    status = "closed"
                if kind == "repair" and wo is not None and status == "received":
                    wo[2] = None  # its work order is not completed yet
                    if wo[1] >= cap:
                        wo[1] = None
                if assigned_at is not None:
                    assigned_at = max(received, min(assigned_at, cap))
                on_the_spot = kind == "enquiry" and status == "closed" and rng.random() < 0.6
                # fulfilment: mostly in time, a few percent late (as the escalation figures of a
                # reasonably run center); never after the anchor
                if "ack" in has and status != "received":
                    if rng.random() < 0.06:
                        ack_at = ack_due + timedelta(hours=ack_h * rng.uniform(0.01, 0.3))
                    else:
                        ack_at = received + timedelta(hours=ack_h * rng.uniform(0.05, 0.7))
                    ack_at = max(received, min(ack_at, cap))
                if status in ("resolved", "closed"):
                    if on_the_spot:
                        res_at = received
                    elif resolve_due is not None:
                        span = resolve_due - received
                        res_at = resolve_due + span * rng.uniform(0.01, 0.1) if rng.random() < 0.06 else \
                            received + span * rng.uniform(0.2, 0.7)
                    elif wo is not None:
                        res_at = wo[2]
                    else:  # a repair inside the customer's installation: a handler's reply
                        res_at = received + timedelta(hours=rng.uniform(0.5, 8))
                    res_at = max(ack_at or received, min(res_at, cap))
                    if wo is not None:
                        wo[2] = res_at
                        wo[1] = min(wo[1], res_at)
                    if decl.has_callback and "callback" in targets:
                        cb_due, _h = due_after(res_at, targets["callback"])
                        cb_warn = res_at + (cb_due - res_at) * 0.75
                    if decl.verdict:
                        verified = rng.random() < 0.6
                        utility = verified and rng.random() < 0.7
                    resolution = RESOLUTIONS.get(kind, RESOLUTIONS["complaint"])
                    if kind == "enquiry":
                        answer = resolution
                    resolved_by = handler
                if status == "closed":
                    if cb_due is not None:
                        cb_at = cb_due + timedelta(hours=rng.uniform(0.1, 6)) if rng.random() < 0.04 else \
                            res_at + (cb_due - res_at) * rng.uniform(0.1, 0.7)
                        cb_at = max(res_at, min(cb_at, cap))
                        closed_at = cb_at
                        satisfaction = rng.choices(["satisfied", "neutral", "dissatisfied"], [85, 10, 5])[0]
                    else:
                        closed_at = res_at
                if status == "paused":
                    before_pause = "acknowledged"
                    paused_at = ack_at + (anchor - ack_at) * rng.uniform(0.1, 0.9)
                    pause_rows.append((cid, paused_at, handler))
                ack_breached = ack_due is not None and (ack_at or anchor) > ack_due
                if resolve_due is None:
                    resolve_breached = False
                elif status != "paused":
                    resolve_breached = (res_at or anchor) > resolve_due
                else:
                    resolve_breached = res_at is None and paused_at > resolve_due
                cb_breached = cb_due is not None and (cb_at or anchor) > cb_due
                assign_breached = assign_due is not None and (assigned_at or anchor) > assign_due
                # escalations already raised for these deadlines
                if ack_due is not None:
                    escalate(cid, st, "ack", received, ack_due, ack_warn, ack_at, urgent)
                if resolve_due is not None and (status != "paused" or resolve_breached):
                    escalate(cid, st, "resolve", received, resolve_due, resolve_warn, res_at, urgent)
                if cb_due is not None:
                    escalate(cid, st, "callback", res_at, cb_due, cb_warn, cb_at, urgent)
                if assign_due is not None:
                    escalate(cid, st, "assign", received, assign_due, assign_warn, assigned_at, urgent)
                if wo is not None:
                    self.repair_calls.append((cid, wo[0], wo[1], wo[2], ci, st, grade, phone, name, address))
                by_kind[kind] = by_kind.get(kind, 0) + 1
                if is_open:
                    open_by_kind[kind] = open_by_kind.get(kind, 0) + 1
                category = NULL
                if kind == "complaint":
                    category = str(cats[i % len(cats)] if rng.random() < 0.5 else rng.choice(cats))
                yield (
                    str(cid), number, kind, service_type, esc(answer), esc(address), fmt(inside), channel,
                    customer, esc(name), phone, _b(anonymous), category, severity,
                    KIND_DESCRIPTIONS[kind][i % len(KIND_DESCRIPTIONS[kind])], _ts(received), str(st),
                    _id(handler), _id(received_by),
                    status, grade, _id(policy_id), targets_json, "0.75",
                    _ts(ack_due), _ts(resolve_due), _ts(cb_due), _ts(received), original_resolve,
                    _ts(ack_warn), _ts(resolve_warn), _ts(cb_warn),
                    _b(ack_breached), _b(resolve_breached), _b(cb_breached),
                    _ts(assign_due), _ts(assign_warn), _b(assign_breached), _ts(assigned_at),
                    _ts(ack_at), _ts(res_at), _ts(cb_at), _ts(closed_at), _ts(paused_at), before_pause,
                    _id(resolved_by), esc(resolution),
                    fmt(verified), fmt(utility), satisfaction, "0", _b(kind == "complaint" and i % 997 == 0), "1",
                    _ts(received), _ts(closed_at or cb_at or res_at or ack_at or received),
                )

        with indexes_dropped(Complaint), fk_checks_off():
            count, _ = copy_model(Complaint, cols, rows(), total=n, desc="orders", progress=self.progress)
        reset_sequence(Complaint)
        self.ds.counts["orders"] = count
        self.ds.counts["open_orders"] = n_open
        self.ds.counts["complaints"] = by_kind.get("complaint", 0)
        self.ds.counts["open_complaints"] = open_by_kind.get("complaint", 0)
        for kind in sorted(by_kind, key=lambda k: -by_kind[k]):
            self.ds.counts[f"orders:{kind}"] = by_kind[kind]
            self.ds.counts[f"open:{kind}"] = open_by_kind.get(kind, 0)
        # the escalations those orders already raised
        esc_cols = ["id", "subject_type", "subject_id", "complaint_id", "station_id", "kind", "level", "due_at",
                    "reason", "acknowledged_by_id", "acknowledged_at", "created_at", "updated_at"]
        lines = esc_buf.getvalue().splitlines()
        with indexes_dropped(Escalation), fk_checks_off():
            count, _ = copy_model(Escalation, esc_cols, (ln.split("\t") for ln in lines), total=len(lines),
                                  desc="escalations", progress=self.progress)
        reset_sequence(Escalation)
        self.ds.counts["escalations"] = count
        self._pauses(pause_rows)
        DailySequence.objects.bulk_create([DailySequence(prefix=p, day=d, last=v) for (p, d), v in seq.items()],
                                          batch_size=1000)
        per_day = [v for (p, _d), v in seq.items() if p == "TS"]
        self.ds.counts["max_complaints_per_day"] = max(per_day) if per_day else 0
        self.ds.counts["max_orders_per_day_and_prefix"] = max(seq.values()) if seq else 0

    def _pauses(self, rows) -> None:
        from complaints.models import PauseSegment

        PauseSegment.objects.bulk_create([
            PauseSegment(complaint_id=cid, started_at=at.replace(tzinfo=_UTC), reason="客户要求暂缓处理",
                         paused_by_id=handler)
            for cid, at, handler in rows if handler], batch_size=2000)

    # ------------------------------------------------------------------------------------------
    def work_orders(self) -> None:  # noqa: C901 - one pass that writes a whole realistic row
        """The work orders: one repair work order per repair call (linked to it: `complaint_id`,
        created minutes after the call, its completion the call's reply), and `work_orders` more
        typed in by dispatchers (surveys, meter checks, inspections, a few repairs)."""
        try:
            from workorders.models import WorkOrder
        except ImportError:
            return
        from core.models import DailySequence

        rng = self.rng("work_orders")
        n_other = self.s.work_orders
        calls = getattr(self, "repair_calls", [])
        if not self.ds.crews or not (n_other or calls):
            return
        crews_by_station = {}
        for c in self.ds.crews:
            crews_by_station.setdefault(c["station_id"], []).append(c["id"])
        end = self.data_end_n
        year = 365 * 86400
        n_open = max(1, n_other // 50)
        n_cust = len(self.cust)
        # plans: (created, kind, order id, customer index, arrived, completed, open); the last n_open
        # of the dispatchers' (the most recent, within two days) are open
        plans = []
        for k in range(n_other):
            open_order = k >= n_other - n_open
            created = end - timedelta(seconds=rng.random() * (2 * 86400 if open_order else year))
            kind = rng.choices(["repair", "survey", "meter_check", "inspection"], [15, 30, 33, 22])[0]
            plans.append((created, kind, None, rng.randrange(n_cust), None, None, open_order))
        for oid, created, arr, comp, ci, _st, _g, _ph, _nm, _ad in calls:
            plans.append((created, "repair", oid, ci, arr, comp, comp is None))
        plans.sort(key=lambda p: p[0])
        call_of = {c[0]: c for c in calls}
        n = len(plans)
        seq: dict[date, int] = {}
        anchor = self.anchor_n
        cols = ["id", "number", "kind", "complaint_id", "customer_id", "contact_name", "contact_phone", "address",
                "description", "area_type", "priority", "station_id", "crew_id", "status", "arrive_target_at",
                "arrive_due_at", "restore_due_at", "due_at", "arrive_warn_at", "restore_warn_at", "arrive_breached",
                "restore_breached", "grade_at_creation", "dispatched_at", "accepted_at", "departed_at",
                "arrived_at", "completed_at", "cancelled_at", "notes", "version", "created_at", "updated_at"]
        area_of = {s["id"]: s["area_type"] for s in self.ds.stations}
        from_calls = 0

        def rows():
            nonlocal from_calls
            for i, (created, kind, oid, ci, p_arr, p_comp, open_order) in enumerate(plans):
                wid = i + 1
                if oid is not None:
                    from_calls += 1
                    _cid, _c, _a, _d, ci, st, grade, phone, name, address = call_of[oid]
                    if ci is None:
                        customer = NULL
                    else:
                        customer = str(ci + 1)
                else:
                    st, grade, phone, name, address = self.cust[ci]
                    customer = str(ci + 1)
                area = area_of[st]
                crew = rng.choice(crews_by_station[st])
                local_day = (created + LOCAL).date()
                seq[local_day] = seq.get(local_day, 0) + 1
                number = f"GD{local_day:%Y%m%d}{seq[local_day]:04d}"
                tgt = due = rdue = due_at = awarn = rwarn = None
                disp = acc = dep = arr = comp = None
                if kind == "repair":
                    t_min, c_min, r_h = WO_AREAS[area]
                    if grade == "A":
                        t_min = c_min = 30
                    tgt = created + timedelta(minutes=t_min)
                    due = created + timedelta(minutes=c_min)
                    awarn = tgt if t_min != c_min else created + timedelta(minutes=c_min * 0.75)
                else:
                    due_at = created + timedelta(days=rng.randint(3, 10))
                steps = ["created", "dispatched", "accepted", "en_route", "on_site", "completed"]
                if oid is not None and p_comp is not None:
                    # the call's timeline: arrived and completed as the call records them
                    status, arr, comp = "completed", p_arr, p_comp
                    disp = created + (arr - created) * 0.1
                    acc = created + (arr - created) * 0.2
                    dep = created + (arr - created) * 0.35
                    t = comp
                    reached = 5
                else:
                    status = "completed"
                    if open_order:
                        status = "on_site" if (oid is not None and p_arr is not None) else \
                            rng.choice(["created", "dispatched", "dispatched", "accepted", "en_route", "on_site"])
                    elif rng.random() < 0.03:
                        status = "cancelled"
                    reached = steps.index(status) if status != "cancelled" else 2
                    t = created
                    limit = anchor if open_order else created + timedelta(hours=12)
                    gaps = [(limit - created) * rng.uniform(0.02, 0.2) for _ in range(5)]
                    if reached >= 1:
                        t = disp = t + gaps[0] * 0.2
                    if reached >= 2:
                        t = acc = t + gaps[1] * 0.2
                    if reached >= 3:
                        t = dep = t + gaps[2] * 0.3
                    if reached >= 4:
                        t = arr = p_arr if p_arr is not None else t + gaps[3]
                    if reached >= 5:
                        t = comp = t + gaps[4]
                if kind == "repair" and arr is not None:
                    rdue = arr + timedelta(hours=WO_AREAS[area][2])
                    rwarn = arr + timedelta(hours=WO_AREAS[area][2] * 0.75)
                arrive_breached = due is not None and (arr or anchor) > due and status != "cancelled"
                restore_breached = rdue is not None and (comp or anchor) > rdue
                yield (
                    str(wid), number, kind, _id(oid), customer, esc(name), phone, esc(address),
                    "用户报修：家中停电" if kind == "repair" else "现场工作",
                    area, str(rng.choice([1, 2, 3, 3, 3])), str(st), str(crew) if status != "created" else NULL,
                    status, _ts(tgt), _ts(due), _ts(rdue), _ts(due_at), _ts(awarn), _ts(rwarn),
                    _b(arrive_breached), _b(restore_breached), grade, _ts(disp), _ts(acc), _ts(dep), _ts(arr),
                    _ts(comp), _ts(created + timedelta(hours=1)) if status == "cancelled" else NULL,
                    "已完成抢修，恢复供电。" if comp else "", str(reached + 1), _ts(created), _ts(t),
                )

        with indexes_dropped(WorkOrder), fk_checks_off():
            count, _ = copy_model(WorkOrder, cols, rows(), total=n, desc="work orders", progress=self.progress)
        reset_sequence(WorkOrder)
        DailySequence.objects.bulk_create([DailySequence(prefix="GD", day=d, last=v) for d, v in seq.items()],
                                          batch_size=1000)
        self.ds.counts["work_orders"] = count
        self.ds.counts["work_orders_from_repair_calls"] = from_calls

    # ------------------------------------------------------------------------------------------
    def deadline_rows(self) -> None:
        """The deadline rows of every complaint and work order (set-based, as the data migration
        writes them), each at the level its escalations show (what on-time sweeps recorded)."""
        from clock.engine import backfill
        from clock.models import Deadline
        from complaints.lifecycle import COMPLAINT
        from workorders.lifecycle import WORK_ORDER

        now = self.anchor  # aware UTC
        with indexes_dropped(Deadline):
            n = backfill(COMPLAINT, now=now) + backfill(WORK_ORDER, now=now)
            with connection.cursor() as cur:
                cur.execute("""UPDATE clock_deadline d SET level = m.lv FROM (
                                   SELECT subject_type, subject_id, kind, cycle, max(level) AS lv
                                   FROM complaints_escalation GROUP BY 1, 2, 3, 4) m
                               WHERE d.subject_type = m.subject_type AND d.subject_id = m.subject_id
                                 AND d.kind = m.kind AND d.cycle = m.cycle""")
        self.ds.counts["deadlines"] = n

    # ------------------------------------------------------------------------------------------
    def analyze(self) -> None:
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE") if connection.get_autocommit() else cur.execute("ANALYZE")


def generate(scale: Scale, seed: int, anchor: datetime, progress: bool = True) -> DataSet:
    gen = Generator(scale, seed, anchor, progress=progress)
    ds = gen.run()
    for step, secs in ds.timings.items():
        tqdm.write(f"  data: {step:<12} {secs:6.1f} s")
    return ds
