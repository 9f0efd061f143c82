"""The SLA summary per kind of order (SPEC §11: every figure per kind, complaints apart, terminated
orders counted apart): a small set of orders of several kinds taken in with the real intake and
actions, on the 2026 calendar.

Taken in on Tuesday 2026-03-10 10:00 at S01 (the counter), looked at on Thursday 03-12 12:00:

| order | kind       | what happened                                                  |
|-------|------------|----------------------------------------------------------------|
| C     | complaint  | acknowledged at 10:05 by the handler (who took it): open         |
| R     | report     | terminated by a manager at 11:00 (服务终止): counted apart       |
| O     | opinion    | taken and acknowledged at 10:05, resolved 03-11 09:00: on time    |
| E1    | enquiry    | answered on the spot: closed at intake                          |
| E2    | enquiry    | open: its reply (1 workday) is overdue                          |
| S     | suggestion | open (10 workdays)                                              |
| F     | service    | meter fault, open (4 workdays)                                  |
| B     | repair     | open, its repair work order dispatched                          |
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints import services as cs
from complaints.choices import OrderKind
from complaints.kinds import KINDS
from complaints.models import Complaint
from reports.selectors import SUMMARY_QUERY_BUDGET, sla_summary
from reports.stats import refresh_stats
from tests.complaints.conftest import category  # noqa: F401
from tickets.services import ticket_intake

TZ = ZoneInfo("Asia/Shanghai")
TAKEN = datetime(2026, 3, 10, 10, 0, tzinfo=TZ)
NOW = datetime(2026, 3, 12, 12, 0, tzinfo=TZ)
WEEK = {"from": "2026-03-09", "to": "2026-03-12"}
CALLER = {"channel": "phone", "complainant_name": "李女士", "complainant_phone": "13800001111"}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def orders(users, category):  # noqa: F811
    counter, handler, manager = users["counter"], users["handler"], users["manager"]
    o = {}
    with time_machine.travel(TAKEN, tick=False):
        o["C"] = cs.order_intake(by=counter, kind="complaint", category=category, description="窗口态度差", **CALLER)
        o["R"] = cs.order_intake(by=counter, kind="report", description="抄表员收取好处费", **CALLER)
        o["O"] = cs.order_intake(by=counter, kind="opinion", description="希望延长营业时间", **CALLER)
        o["E1"] = cs.order_intake(by=counter, kind="enquiry", description="电价多少", answer="0.56 元/千瓦时", **CALLER)
        o["E2"] = cs.order_intake(by=counter, kind="enquiry", description="峰谷电价怎么办理", **CALLER)
        o["S"] = cs.order_intake(by=counter, kind="suggestion", description="建议增设充电桩", **CALLER)
        o["F"] = cs.order_intake(by=counter, kind="service", service_type="meter_fault", description="电表不走字",
                                 **CALLER)
        o["B"] = ticket_intake(by=counter, kind="repair", address="城东路 1 号", description="整栋楼停电", **CALLER)
    with time_machine.travel(at(10, 10, 5), tick=False):
        for key in ("C", "O"):
            cs.complaint_take(complaint=o[key], by=handler)
            cs.complaint_acknowledge(complaint=Complaint.all_kinds.get(pk=o[key].pk), by=handler)
    with time_machine.travel(at(10, 11), tick=False):
        cs.order_terminate(complaint=o["R"], by=manager, reason="要求赔偿超出规定")
    with time_machine.travel(at(11, 9), tick=False):
        cs.complaint_resolve(complaint=Complaint.all_kinds.get(pk=o["O"].pk), by=handler, resolution="已采纳")
    return o


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def entry(summary, kind):
    return next(e for e in summary["by_kind"] if e["kind"] == kind)


@pytest.mark.django_db
def test_by_kind_gives_every_kinds_figures_complaints_first(orders, users, now, api):
    s = api(users["manager"]).get("/api/v1/sla/summary/", {**WEEK, "live": "true"}).json()
    assert [e["kind"] for e in s["by_kind"]] == list(KINDS) and s["by_kind"][0]["kind"] == "complaint"
    received = {e["kind"]: e["received"] for e in s["by_kind"]}
    assert received == {"complaint": 1, "report": 1, "opinion": 1, "suggestion": 1, "enquiry": 2, "praise": 0,
                        "service": 1, "repair": 1}
    # each kind lists the deadlines it has, and only those
    for e in s["by_kind"]:
        assert list(e["deadlines"]) == [d for d in ("ack", "resolve", "callback", "assign", "review")
                                        if d in KINDS[e["kind"]].deadlines], e["kind"]
    assert set(entry(s, "repair")["deadlines"]) == {"callback", "assign"}
    assert set(entry(s, "enquiry")["deadlines"]) == {"resolve", "assign"}
    # the complaint: acknowledged on time, open
    c = entry(s, "complaint")
    assert c["deadlines"]["ack"] == {"on_time": 1, "late": 0, "open": 0, "open_breached": 0, "rate": 1.0}
    assert c["open"] == 1 and c["terminated"] == 0
    # the report was terminated: counted apart, in none of its deadline figures, not open
    r = entry(s, "report")
    assert (r["received"], r["terminated"], r["open"], r["breached"]) == (1, 1, 0, 0)
    assert all(b == {"on_time": 0, "late": 0, "open": 0, "open_breached": 0, "rate": None}
               for b in r["deadlines"].values())
    # the opinion: acknowledged and resolved on time
    o = entry(s, "opinion")
    assert o["deadlines"]["ack"]["rate"] == 1.0 and o["deadlines"]["resolve"]["on_time"] == 1
    assert o["open"] == 1  # its callback is still to make
    # the enquiries: one answered on the spot (on time), one past its 1-workday reply
    e = entry(s, "enquiry")
    assert e["deadlines"]["resolve"] == {"on_time": 1, "late": 0, "open": 1, "open_breached": 1, "rate": 0.5}
    assert (e["open"], e["breached_now"]) == (1, 1)
    # the other kinds together, never with the complaints
    assert s["other_kinds"]["received"] == 7 and s["other_kinds"]["terminated"] == 1
    # the headline figures stay the complaints'
    assert s["filters"]["kind"] == "complaint" and s["totals"]["complaints"] == 1


@pytest.mark.django_db
def test_received_today_counts_the_local_day(orders, users):
    with time_machine.travel(at(10, 18), tick=False):
        s = sla_summary(user=users["manager"], filters={**WEEK, "live": "true"})
    assert entry(s, "enquiry")["received_today"] == 2 and entry(s, "complaint")["received_today"] == 1
    with time_machine.travel(NOW, tick=False):
        s = sla_summary(user=users["manager"], filters={**WEEK, "live": "true"})
    assert all(e["received_today"] == 0 for e in s["by_kind"])


@pytest.mark.django_db
def test_kind_selects_the_headline_figures(orders, users, now, api):
    client = api(users["manager"])
    s = client.get("/api/v1/sla/summary/", {**WEEK, "kind": "enquiry", "live": "true"}).json()
    assert s["filters"]["kind"] == "enquiry" and s["totals"]["complaints"] == 2
    assert set(s["deadlines"]) == {"resolve", "assign", "arrive", "restore"}
    assert s["deadlines"]["resolve"]["rate"] == 0.5 and s["now"]["open"] == 1 and s["now"]["breached"] == 1
    assert s["by_category_class"] == []  # enquiries are not classified
    report = client.get("/api/v1/sla/summary/", {**WEEK, "kind": "report", "live": "true"}).json()
    assert report["totals"]["terminated"] == 1 and report["totals"]["breached"] == 0
    bad = client.get("/api/v1/sla/summary/", {"kind": "outage"})
    assert bad.status_code == 400 and "kind" in bad.json()
    # the handler's summary is of their own station, of any kind
    own = api(users["other_handler"]).get("/api/v1/sla/summary/", {**WEEK, "kind": "enquiry"}).json()
    assert own["totals"]["complaints"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(KINDS))
def test_daily_rows_agree_with_the_orders_for_every_kind(orders, users, now, kind):
    params = {**WEEK, "kind": kind, "trend": "7"}
    live = sla_summary(user=users["manager"], filters={**params, "live": "true"})
    fast = sla_summary(user=users["manager"], filters=params)
    assert (live["source"], fast["source"]) == ("complaints", "daily rows")
    for key in ("now", "totals", "deadlines", "by_station", "by_category_class", "by_grade", "by_channel",
                "trend", "by_kind", "other_kinds"):
        assert fast[key] == live[key], key


@pytest.mark.django_db
def test_other_kinds_leave_the_complaint_figures_as_they_were(march, users, frozen):
    """The month of conftest.py: its complaint figures with orders of every kind on the same days,
    and after a full re-aggregation, are the figures of the complaints alone."""
    keys = ("now", "totals", "deadlines", "by_station", "by_category_class", "by_grade", "by_channel",
            "trend", "effective", "repeat", "satisfaction")
    params = {"from": "2026-02-01", "to": "2026-03-20", "trend": "20"}
    refresh_stats()
    alone = sla_summary(user=users["manager"], filters=params)
    with time_machine.travel(datetime(2026, 3, 14, 10, 0, tzinfo=TZ), tick=False):
        for kind in ("report", "opinion", "enquiry", "suggestion"):
            cs.order_intake(by=users["counter"], kind=kind, description="一张别的工单", **CALLER)
        cs.order_intake(by=users["counter"], kind="service", service_type="other", description="一张", **CALLER)
    refresh_stats()
    mixed = sla_summary(user=users["manager"], filters=params)
    refresh_stats(full=True)
    rebuilt = sla_summary(user=users["manager"], filters=params)
    live = sla_summary(user=users["manager"], filters={**params, "live": "true"})
    for key in keys:
        assert mixed[key] == alone[key] == rebuilt[key] == live[key], key
    assert mixed["other_kinds"]["received"] == 5 and entry(mixed, "complaint")["received"] == 9


@pytest.mark.django_db
@pytest.mark.parametrize("live", ["", "true"])
@pytest.mark.parametrize("kind", ["complaint", "enquiry", "repair"])
def test_the_summary_of_any_kind_keeps_its_query_budget(orders, users, now, live, kind,
                                                         django_assert_max_num_queries):
    refresh_stats()
    with django_assert_max_num_queries(SUMMARY_QUERY_BUDGET):
        sla_summary(user=users["manager"], filters={**WEEK, "trend": "30", "kind": kind, "live": live})
    with django_assert_max_num_queries(SUMMARY_QUERY_BUDGET):  # a station's staff: one more lookup at most
        sla_summary(user=users["handler"], filters={**WEEK, "trend": "30", "kind": kind, "live": live})


@pytest.mark.django_db
def test_the_schema_describes_kind_and_by_kind(api, users):
    import yaml

    schema = yaml.safe_load(api(users["manager"]).get("/api/schema/").content)
    op = schema["paths"]["/api/v1/sla/summary/"]["get"]
    kind = next(p for p in op["parameters"] if p["name"] == "kind")
    assert set(kind["schema"]["enum"]) == set(OrderKind.values)
    body = op["responses"]["200"]["content"]["application/json"]["schema"]
    ref = body["$ref"].rsplit("/", 1)[-1]
    props = schema["components"]["schemas"][ref]["properties"]
    assert {"by_kind", "other_kinds", "totals", "deadlines", "now"} <= set(props)


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "labels"), [
    ("zh-hans", ["投诉", "举报", "意见", "建议", "咨询", "表扬", "服务申请", "故障报修"]),
    ("en", ["Complaint", "Report", "Opinion", "Suggestion", "Enquiry", "Praise", "Service request", "Fault repair"]),
])
def test_the_dashboard_shows_every_kind_complaints_first_and_apart(orders, client, users, now, lang, labels):
    client.force_login(users["manager"])
    client.cookies["django_language"] = lang
    resp = client.get("/dashboard/", {**WEEK, "live": "true"})
    assert resp.status_code == 200
    html = resp.content.decode()
    table = html[html.index('id="kinds"'):html.index('id="chart-kinds"')]
    positions = [table.index(f'<tr data-kind="{k}"><th scope="row">{label}</th>') for k, label in zip(KINDS, labels,
                                                                                                        strict=True)]
    assert positions == sorted(positions)  # the declared order, complaints first
    complaints = table[table.index('class="kinds-complaints"'):table.index('class="kinds-others"')]
    assert 'data-kind="complaint"' in complaints and 'data-kind="report"' not in complaints
    assert 'data-path="by_kind.4.received">2<' in table  # the enquiries
    assert 'data-path="by_kind.4.deadlines.resolve.rate" data-format="pct">50.0%<' in table
    assert 'data-path="by_kind.1.terminated">1<' in table and 'data-path="other_kinds.received">7<' in table
    # the existing tiles are still there, of the complaints
    assert 'data-path="totals.complaints">1<' in html and 'data-tile="breached"' in html
    # the chart's labels are the kinds' labels of the page's language, in its data
    data = client.get("/dashboard/data/", {**WEEK, "live": "true"}).json()
    assert [e["label"] for e in data["by_kind"]] == labels


@pytest.mark.django_db
def test_the_reports_give_every_kind_apart_and_export_it(orders, users, client):
    import csv
    import io
    from datetime import date

    import openpyxl

    from reports.services import report_build

    with time_machine.travel(at(16, 0, 15), tick=False):  # the weekly build, Monday after
        snap = report_build(kind="weekly", day=date(2026, 3, 10))
    kinds = {r["order_kind"]: r for r in snap.data["kinds"]}
    assert [r["order_kind"] for r in snap.data["kinds"]] == [*KINDS, "others"]
    assert snap.data["summary"]["complaints"] == 1  # the report's figures stay the complaints'
    assert (kinds["enquiry"]["received"], kinds["enquiry"]["open"], kinds["enquiry"]["resolve_rate"]) == (2, 1, 50.0)
    assert (kinds["report"]["received"], kinds["report"]["terminated"], kinds["report"]["breached"]) == (1, 1, 0)
    assert kinds["report"]["ack_on_time"] == 0 and kinds["report"]["ack_late"] == 0  # terminated: apart
    assert "ack_rate" not in kinds["enquiry"] and "resolve_rate" not in kinds["repair"]
    assert kinds["opinion"]["resolve_rate"] == 100.0 and kinds["complaint"]["ack_rate"] == 100.0
    assert (kinds["others"]["received"], kinds["others"]["terminated"]) == (7, 1)
    # the day's report holds that day's orders only
    with time_machine.travel(at(11, 0, 15), tick=False):
        day = report_build(kind="daily", day=date(2026, 3, 10))
    assert {r["order_kind"]: r["received"] for r in day.data["kinds"]}["enquiry"] == 2

    client.force_login(users["manager"])
    wb = openpyxl.load_workbook(io.BytesIO(client.get(f"/reports/{snap.pk}.xlsx").content))
    sheet = next(ws for ws in wb.worksheets if ws.title == "各类工单")
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("工单类型", "受理量")
    assert [r[0] for r in rows[1:]] == ["投诉", "举报", "意见", "建议", "咨询", "表扬", "服务申请", "故障报修", "其他各类合计"]
    enquiry = rows[5]
    assert enquiry[1:3] == (2, 1) and enquiry[5] == "—" and enquiry[6] == 50.0
    assert rows[2][4] == 1  # the report, terminated
    text = client.get(f"/reports/{snap.pk}.csv").content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    start = lines.index(["各类工单"])
    assert lines[start + 1][0] == "工单类型" and lines[start + 2][0] == "投诉" and lines[start + 6][:3] == ["咨询", "2", "1"]
    # in English
    client.cookies["django_language"] = "en"
    wb = openpyxl.load_workbook(io.BytesIO(client.get(f"/reports/{snap.pk}.xlsx").content))
    sheet = next(ws for ws in wb.worksheets if ws.title == "Orders by kind")
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)][:2] == ["Complaint", "Report"]
    page = client.get(f"/reports/{snap.pk}/").content.decode()
    assert "Orders by kind" in page and "Fault repair" in page
