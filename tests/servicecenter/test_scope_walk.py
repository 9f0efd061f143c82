"""The cross-station walk of issue 16: every API route and every page, taken from the URL
resolver, asked with GET by every role's user of station 1, never shows an object of station 2
(its customers, complaints, work orders, crews and people), in a list, a detail or a nested list
such as a grade run's `mismatches`.

Station 2's objects carry markers (account numbers, names, phones, numbers, usernames) that occur
nowhere else; the walk fills each route's parameters with the keys of both stations' objects (so a
detail of station 2 is asked for too: it must answer 404 or say nothing of it) and adds the
query strings that point at station 2 (`q`, `customer`, `station`). A new route whose parameter
this file cannot fill fails the walk: add the parameter to `CANDIDATES`.
"""

from __future__ import annotations

import datetime
import urllib.parse
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from complaints.models import Escalation, ExtensionRequest
from core.models import Notification
from customers.models import SupplyStation
from grading import services as grading_services
from grading.models import GradeChange, GradeRun
from tests.complaints.factories import ComplaintFactory
from tests.customers.factories import ConsumptionFactory, CustomerFactory, StaffFactory, StationFactory
from tests.grading.factories import VisitFactory
from tests.workorders.factories import CrewFactory, WorkOrderFactory

pytestmark = pytest.mark.django_db

# Routes a GET walk does not ask: the admin (administrators see everything by design), the
# schema and its docs (no data), sign-in/out and the language switch (no data).
SKIP_PREFIXES = ("admin/", "api/schema/", "api/docs/", "login/", "logout/", "i18n/", "static/", "media/")


def _patterns(resolver=None, prefix=""):
    """(route string with <kw> placeholders, pattern) for every URL pattern, recursively."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        route = prefix + _route_text(p.pattern)
        if isinstance(p, URLResolver):
            yield from _patterns(p, route)
        elif isinstance(p, URLPattern):
            yield route, p


def _route_text(pattern) -> str:
    text = str(pattern)
    # DRF routers give regexes: ^customers/(?P<pk>[^/.]+)/$  ->  customers/<pk>/
    import re

    text = text.lstrip("^").rstrip("$").replace("\\.", ".")
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text)
    text = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", text)
    return text


@pytest.fixture
def world(db, settings):
    """Two stations with a bit of everything; station 2's objects carry the markers."""
    settings.LANGUAGE_CODE = "en"
    s1 = StationFactory(code="S01", name="城东供电所")
    s2 = StationFactory(code="S02", name="城西供电所", area_type="rural")
    people1 = {
        "counter": StaffFactory(username="w1_counter", role="counter", station=s1),
        "handler": StaffFactory(username="w1_handler", role="handler", station=s1),
        "head": StaffFactory(username="w1_head", role="handler", station=s1),
        "account_manager": StaffFactory(username="w1_am", role="account_manager", station=s1, tier="standard"),
        "crew": StaffFactory(username="w1_crew", role="crew", station=s1),
    }
    people2 = {
        "counter": StaffFactory(username="zz2counter", role="counter", station=s2, first_name="乙站柜员"),
        "handler": StaffFactory(username="zz2handler", role="handler", station=s2, first_name="乙站处理人"),
        "head": StaffFactory(username="zz2head", role="handler", station=s2, first_name="乙站所长"),
        "account_manager": StaffFactory(username="zz2am", role="account_manager", station=s2, tier="standard",
                                        first_name="乙站客户经理"),
        "crew": StaffFactory(username="zz2crew", role="crew", station=s2, first_name="乙站抢修员"),
    }
    manager = StaffFactory(username="w_manager", role="manager", station=None, leadership=True)
    SupplyStation.objects.filter(pk=s1.pk).update(head=people1["head"])
    SupplyStation.objects.filter(pk=s2.pk).update(head=people2["head"])

    def customers(station, am, tag, phone):
        out = []
        for i in range(2):
            c = CustomerFactory(station=station, account_manager=am, name=f"{tag}客户{i}", phone=f"{phone}{i}",
                                contact_name=f"{tag}联系人{i}", address=f"{tag}路{i}号",
                                dual_power_supply=(i == 0))
            for m in range(1, 13):
                ConsumptionFactory(customer=c, period=datetime.date(2025, m, 1), amount_yuan=Decimal(1000 + i))
            out.append(c)
        return out

    cust1 = customers(s1, people1["account_manager"], "甲站", "1380000100")
    cust2 = customers(s2, people2["account_manager"], "乙站", "1399999200")

    past = timezone.now() - datetime.timedelta(days=12)
    comp1 = [ComplaintFactory(station=s1, received_by=people1["counter"], customer=cust1[0], handler=people1["handler"], complainant_name="甲站投诉人",
                              complainant_phone="13800001111", received_at=past),
             ComplaintFactory(station=s1, received_by=people1["counter"], customer=None, complainant_name="甲站来电人", complainant_phone="13800001112")]
    comp2 = [ComplaintFactory(station=s2, received_by=people2["counter"], customer=cust2[0], handler=people2["handler"], complainant_name="乙站投诉人",
                              complainant_phone="13999992222", received_at=past, description="乙站投诉内容"),
             ComplaintFactory(station=s2, received_by=people2["counter"], customer=None, complainant_name="乙站来电人", complainant_phone="13999992223",
                              description="乙站来电内容")]
    crew1 = CrewFactory(name="甲站抢修一班", station=s1, members=[people1["crew"]])
    crew2 = CrewFactory(name="乙站抢修一班", station=s2, members=[people2["crew"]])
    wo1 = WorkOrderFactory(station=s1, customer=cust1[1], crew=crew1, status="dispatched", complaint=comp1[0],
                           created_at=past)
    wo2 = WorkOrderFactory(station=s2, customer=cust2[1], crew=crew2, status="dispatched", complaint=comp2[0],
                           address="乙站工单地址", contact_name="乙站工单联系人", contact_phone="13999993333",
                           created_at=past)
    for c, am in ((cust1[0], people1["account_manager"]), (cust2[0], people2["account_manager"])):
        VisitFactory(customer=c, account_manager=am, notes="走访")
    # the sweep escalates both stations' late complaints and orders; a grade run flags the tier
    # mismatches of both stations (standard account managers of grade A customers)
    call_command("enforce_sla")
    today = timezone.localdate()
    period = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    grading_services.reevaluate_grades(period=period)
    run = GradeRun.objects.get(period=period)
    assert {m["customer"] for m in run.mismatches} >= {cust1[0].pk, cust2[0].pk}

    markers = {
        *[c.account_no for c in cust2], *[c.name for c in cust2], *[c.phone for c in cust2],
        *[c.contact_name for c in cust2], *[c.address for c in cust2],
        *[c.number for c in comp2], "乙站投诉人", "乙站来电人", "13999992222", "13999992223", "乙站投诉内容",
        "乙站来电内容", wo2.number, "乙站工单地址", "乙站工单联系人", "13999993333", crew2.name,
        *[u.username for u in people2.values()], *[u.first_name for u in people2.values()],
    }
    return {
        "s1": s1, "s2": s2, "people1": people1, "manager": manager, "cust1": cust1, "cust2": cust2,
        "comp1": comp1, "comp2": comp2, "wo1": wo1, "wo2": wo2, "crew1": crew1, "crew2": crew2, "run": run,
        "markers": markers,
    }


def _first_per_station(qs, field="station_id"):
    """One object per station (the walk needs one of each side, not every row)."""
    seen = {}
    for pk, key in qs.order_by("pk").values_list("pk", field):
        seen.setdefault(key, pk)
    return sorted(str(pk) for pk in seen.values())


def _pools(world) -> dict[str, list[str]]:
    return {
        "customer": [str(c.pk) for c in (world["cust1"][0], world["cust2"][0])],
        "complaint": [str(c.pk) for c in (world["comp1"][0], world["comp2"][0])],
        "work_order": [str(world["wo1"].pk), str(world["wo2"].pk)],
        "escalation": _first_per_station(Escalation.objects.all()),
        "notification": _first_per_station(Notification.objects.all(), "recipient__profile__station_id"),
        "grade_run": [str(pk) for pk in GradeRun.objects.values_list("pk", flat=True)],
        "grade_change": _first_per_station(GradeChange.objects.all(), "customer__station_id"),
        "extension": _first_per_station(ExtensionRequest.objects.all(), "complaint__station_id") or ["1"],
    }


# route prefix -> the pool its `pk` / `id` comes from (first match wins; others: every pool)
PK_POOLS = [
    ("api/v1/customers/", "customer"), ("api/v1/complaints/", "complaint"), ("api/v1/tickets/", "complaint"),
    ("api/v1/work-orders/", "work_order"), ("api/v1/escalations/", "escalation"), ("escalations/", "escalation"),
    ("api/v1/notifications/", "notification"), ("notifications/", "notification"),
    ("api/v1/grading/runs/", "grade_run"), ("api/v1/grading/changes/", "grade_change"),
    ("dashboard/extensions/", "extension"),
]


def _candidates(world, route: str, pools) -> dict[str, list[str]]:
    """Values for each route parameter: the keys of both stations' objects."""
    pk_pool = next((pools[name] for prefix, name in PK_POOLS if route.startswith(prefix)), None)
    if pk_pool is None:
        pk_pool = sorted({pk for values in pools.values() for pk in values}, key=int)
    return {
        "pk": pk_pool,
        "id": pk_pool,
        "customer_id": pools["customer"],
        "account_no": [world["cust1"][0].account_no, world["cust2"][0].account_no],
        "number": [world["comp1"][0].number, world["comp2"][0].number, world["wo1"].number, world["wo2"].number],
        "code": ["S01", "S02"],
        "name": [world["crew1"].name, world["crew2"].name],
        "photo_id": ["1"],
        "action": ["acknowledge"],
        "verb": ["dispatch"],
    }


def _queries(world) -> list[str]:
    c2 = world["cust2"][0]
    return ["", f"?q={c2.account_no}&customer={c2.pk}", "?station=S02"]


def _walk(world):
    """(path) for every route the walk asks."""
    import re

    pools = _pools(world)
    queries = _queries(world)
    missing = set()
    for route, _pattern in _patterns():
        if route.startswith(SKIP_PREFIXES):
            continue
        names = re.findall(r"<(\w+)>", route)
        if not names:
            for q in queries:
                yield route + q
            continue
        candidates = _candidates(world, route, pools)
        unknown = [n for n in names if n not in candidates]
        if unknown:
            missing.update(unknown)
            continue
        paths = [route]
        for n in names:
            paths = [p.replace(f"<{n}>", v, 1) for p in paths for v in candidates[n]]
        yield from paths
    assert not missing, f"the walk cannot fill the route parameters {sorted(missing)}: add them to _candidates"


# Station heads are handlers (the same scope); managers and admins see every station by design.
ROLES = ["counter", "handler", "account_manager", "crew"]


def test_no_answer_shows_an_object_of_another_station(world):
    leaks, asked = [], 0
    own_markers = {world["cust1"][0].account_no, world["comp1"][0].number, world["wo1"].number}
    paths = list(_walk(world))
    for role in ROLES:
        client = Client()
        client.force_login(world["people1"][role])
        own_seen = False
        for path in paths:
            response = client.get("/" + path, HTTP_ACCEPT="application/json, text/html")
            asked += 1
            assert response.status_code < 500, (role, path, response.status_code)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode("utf-8", "replace")
            # a page that echoes the search term is not a leak: markers asked for are left out
            asked_for = urllib.parse.unquote(path)
            found = sorted(m for m in world["markers"] if m in text and m not in asked_for)
            if found:
                leaks.append((role, path, response.status_code, found[:5]))
            own_seen = own_seen or any(m in text for m in own_markers)
        # the walk is not vacuous: the user's own station's objects do show somewhere
        assert own_seen, role
    assert asked > 400
    assert not leaks, "\n".join(f"{r} {p} [{s}]: {f}" for r, p, s, f in leaks)


def test_the_walk_covers_every_api_route(world):
    """Every API route of the resolver is in the walk (a route the walk skipped would hide a leak)."""
    routes = [r for r, _p in _patterns() if r.startswith("api/v1/")]
    assert len(routes) > 20
    walked = list(_walk(world))
    for route in routes:
        head = route.split("<", 1)[0]
        assert any(p.startswith(head) for p in walked), route
