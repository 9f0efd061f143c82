"""`/api/v1/sla/summary/` and reports.selectors.sla_summary on the hand-built month of conftest.py."""

from __future__ import annotations

import pytest
import time_machine

from complaints.models import Complaint
from reports.selectors import sla_summary
from reports.stats import refresh_stats

from .conftest import t

URL = "/api/v1/sla/summary/"
S01_MARCH = {"station": "S01", "from": "2026-03-01", "to": "2026-03-15"}


def by(entries, key, value):
    return next(e for e in entries if e[key] == value)


@pytest.mark.django_db
def test_deadline_counts_and_rates_for_a_station_and_a_date_range(march, api, users):
    resp = api(users["manager"]).get(URL, S01_MARCH)
    assert resp.status_code == 200, resp.content
    s = resp.json()
    # c1..c6: c7 was received before the period, c9 after it (00:30 local on the 16th), c8 at S02
    assert s["totals"]["complaints"] == 6
    d = s["deadlines"]
    # ack: c1 c3 c5 c6 on time, c2 late, c4 open and overdue -> 4 / (4 + 1 + 1)
    assert d["ack"] == {"on_time": 4, "late": 1, "open": 1, "open_breached": 1, "rate": 0.6667}
    # resolve: c1 c6 on time, c2 late, c3 open overdue, c4 c5 open not yet due -> 2 / (2 + 1 + 1)
    assert d["resolve"] == {"on_time": 2, "late": 1, "open": 3, "open_breached": 1, "rate": 0.5}
    # callback (only resolved ones have a deadline): c1 c2 on time, c6 overdue -> 2 / 3
    assert d["callback"] == {"on_time": 2, "late": 0, "open": 1, "open_breached": 1, "rate": 0.6667}
    # arrival: w1 w3 on time, w2 late, w4 en route past the ceiling -> 2 / 4
    assert d["arrive"] == {"on_time": 2, "late": 1, "open": 1, "open_breached": 1, "rate": 0.5}
    # restore: w1 on time, w2 late, w3 on site past the deadline (w4 has none yet) -> 1 / 3
    assert d["restore"] == {"on_time": 1, "late": 1, "open": 1, "open_breached": 1, "rate": 0.3333}


@pytest.mark.django_db
def test_effective_satisfaction_repeat_and_breaches(march, api, users):
    s = api(users["manager"]).get(URL, S01_MARCH).json()
    # effective = verified and the utility's responsibility: c1, c6 (c2 verified, not the utility's)
    assert s["effective"] == {"effective": 2, "all": 6, "rate": 0.3333}
    assert s["totals"]["verified"] == 3
    # callback answers: c1 satisfied, c2 neutral
    assert s["satisfaction"] == {"satisfied": 1, "neutral": 1, "dissatisfied": 0, "rate": 0.5}
    assert s["repeat"] == {"repeat": 1, "all": 6, "rate": 0.1667}
    # a deadline missed: c2 (ack, resolve), c3 (resolve), c4 (ack), c6 (callback)
    assert s["totals"]["breached"] == 4


@pytest.mark.django_db
def test_open_at_risk_and_breached_now_ignore_the_date_range(march, api, users):
    s = api(users["manager"]).get(URL, S01_MARCH).json()
    # open at S01 whenever received: c3 c4 c5 c6 c7; breached: c3 c4 c6 c7; at risk: c5
    # work orders past a deadline: w3 (restore), w4 (arrival)
    assert s["now"] == {"open": 5, "at_risk": 1, "breached": 4, "work_orders_overdue": 2}


@pytest.mark.django_db
def test_arrival_averages_against_the_public_targets(march, api, users):
    s = api(users["manager"]).get(URL, S01_MARCH).json()
    urban = by(s["arrival"], "area_type", "urban")
    # (40 + 70) / 2 = 55 min against the 45 min commitment; w2 over the 60 min ceiling
    assert (urban["avg_arrive_minutes"], urban["target_minutes"], urban["within_target"]) == (55.0, 45, False)
    assert urban["ceiling_breaches"] == 1
    assert urban["avg_restore_minutes"] == 180.0  # (2 h + 4 h) / 2
    rural = by(s["arrival"], "area_type", "rural")
    # only w3 arrived (100 min, target 90); w4 still en route past its 120 min ceiling
    assert (rural["orders"], rural["arrived"], rural["avg_arrive_minutes"]) == (2, 1, 100.0)
    assert rural["ceiling_breaches"] == 1
    remote = by(s["arrival"], "area_type", "remote")
    assert (remote["orders"], remote["avg_arrive_minutes"], remote["target_minutes"]) == (0, None, 120)


@pytest.mark.django_db
def test_breakdowns_by_station_class_grade_and_channel(march, api, users):
    s = api(users["manager"]).get(URL, {"from": "2026-03-01", "to": "2026-03-15"}).json()
    assert s["totals"]["complaints"] == 7  # c8 at S02 joins
    s01, s02 = by(s["by_station"], "station", "S01"), by(s["by_station"], "station", "S02")
    assert (s01["complaints"], s01["effective"], s01["breached_now"], s01["open"]) == (6, 2, 4, 5)
    assert (s02["complaints"], s02["effective"], s02["deadlines"]["resolve"]["rate"]) == (1, 1, 1.0)
    assert [(e["category"], e["complaints"]) for e in s["by_category_class"]] == [("service", 5), ("billing", 2)]
    assert {e["grade"]: e["complaints"] for e in s["by_grade"]} == {"A": 1, "B": 1, "C": 5}
    assert {e["channel"]: e["complaints"] for e in s["by_channel"]} == {"counter": 3, "phone": 3, "web": 1}


@pytest.mark.django_db
def test_filters_by_category_class_grade_and_channel(march, api, users):
    client = api(users["manager"])
    assert client.get(URL, {**S01_MARCH, "category": "billing"}).json()["totals"]["complaints"] == 2
    assert client.get(URL, {**S01_MARCH, "category": "service.conduct"}).json()["totals"]["complaints"] == 1
    assert client.get(URL, {**S01_MARCH, "grade": "C"}).json()["totals"]["complaints"] == 4
    assert client.get(URL, {**S01_MARCH, "channel": "phone"}).json()["totals"]["complaints"] == 2
    bad = client.get(URL, {"station": "NOPE"})
    assert bad.status_code == 400 and "station" in bad.json()
    assert client.get(URL, {"from": "2026-03-10", "to": "2026-03-01"}).status_code == 400


@pytest.mark.django_db
def test_station_staff_see_only_their_own_station(march, api, users):
    # a handler at S01 asking for S02 gets 404, as for any object out of scope
    assert api(users["handler"]).get(URL, {"station": "S02"}).status_code == 404
    # without a station the handler gets their own, never the whole company
    own = api(users["handler"]).get(URL, {"from": "2026-03-01", "to": "2026-03-15"}).json()
    assert own["filters"]["station"] == "S01" and own["totals"]["complaints"] == 6
    other = api(users["other_counter"]).get(URL, {"from": "2026-03-01", "to": "2026-03-15"}).json()
    assert other["filters"]["station"] == "S02" and other["totals"]["complaints"] == 1
    assert api(users["crew"]).get(URL).status_code == 403
    assert api(users["account_manager"]).get(URL).status_code == 403
    assert api().get(URL).status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("live", ["", "true"])
def test_summary_runs_a_fixed_handful_of_queries(march, users, live, django_assert_max_num_queries):
    refresh_stats()
    # user's groups, station lookup, stats state, the period's groups, open now per station,
    # categories, stations, repair orders per area, overdue orders, the 30-day trend
    with django_assert_max_num_queries(11):
        sla_summary(user=users["manager"], filters={**S01_MARCH, "trend": "30", "live": live})


@pytest.mark.django_db
def test_daily_rows_give_the_same_figures_as_the_complaints(march, users, frozen):
    live = sla_summary(user=users["manager"], filters={"from": "2026-02-01", "to": "2026-03-20", "trend": "20",
                                                       "live": "true"})
    assert live["source"] == "complaints"
    fast = sla_summary(user=users["manager"], filters={"from": "2026-02-01", "to": "2026-03-20", "trend": "20"})
    assert fast["source"] == "daily rows"  # the first request built them
    for key in ("now", "totals", "deadlines", "by_station", "by_category_class", "by_grade", "by_channel",
                "arrival", "trend", "effective", "repeat", "satisfaction"):
        assert fast[key] == live[key], key


@pytest.mark.django_db
def test_daily_rows_follow_changes_at_the_next_refresh(march, users, frozen):
    refresh_stats()
    # c5 is resolved on time and c6 called back: both move days that still had open complaints
    Complaint.objects.filter(number="TS202603150001").update(status="resolved", resolved_at=t(3, 20, 9),
                                                             callback_due_at=t(3, 21, 9))
    Complaint.objects.filter(number="TS202603050001").update(status="closed", callback_at=t(3, 20, 10),
                                                             closed_at=t(3, 20, 10), satisfaction="satisfied")
    with time_machine.travel(t(3, 20, 12, 1), tick=False):
        result = refresh_stats()
        assert result["days"] == 5  # days with open complaints then or now: 02-20, 03-05, 03-10, 03-14, 03-15
        fast = sla_summary(filters=S01_MARCH)
        live = sla_summary(filters={**S01_MARCH, "live": "true"})
    assert fast["deadlines"] == live["deadlines"] and fast["now"] == live["now"]
    assert fast["deadlines"]["resolve"]["on_time"] == 3 and fast["deadlines"]["callback"]["on_time"] == 2
    assert fast["now"]["open"] == 4


@pytest.mark.django_db
def test_stale_daily_rows_are_refreshed_by_the_next_summary(march, users, frozen):
    refresh_stats(now=t(3, 20, 11))  # more than three minutes ago
    assert sla_summary(filters=S01_MARCH)["as_of"].startswith("2026-03-20T12:00")


@pytest.mark.django_db
def test_trend_gives_one_entry_per_day(march, users):
    s = sla_summary(user=users["manager"], filters={**S01_MARCH, "trend": "15"})
    assert [d["date"] for d in s["trend"]][:2] == ["2026-03-01", "2026-03-02"] and len(s["trend"]) == 15
    day = {d["date"]: d for d in s["trend"]}
    assert day["2026-03-03"] == {"date": "2026-03-03", "complaints": 1, "ack_rate": 0.0, "resolve_rate": 0.0}
    assert day["2026-03-02"]["ack_rate"] == 1.0 and day["2026-03-04"]["complaints"] == 0
    assert sla_summary(filters=S01_MARCH)["totals"]["complaints"] == 6  # unscoped caller (bench)
