"""The pure rules: no database, milliseconds."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grading import rules
from grading.rules import A, B, C, Flags, PolicyParams

DEFAULT = PolicyParams()


@pytest.mark.parametrize(("rank", "flags", "grade", "reasons"), [
    (1, Flags(), A, ["rank:1"]),
    (10, Flags(), A, ["rank:10"]),
    (11, Flags(), B, ["rank:11"]),
    (50, Flags(), B, ["rank:50"]),
    (51, Flags(), C, ["rank:51"]),
    (None, Flags(), C, ["no_consumption"]),
    (None, Flags(dual_power_supply=True), A, ["dual_power_supply", "no_consumption"]),
    (30, Flags(important_level="special"), A, ["important_level:special", "rank:30"]),
    (99, Flags(important_level="first"), A, ["important_level:first", "rank:99"]),
    (99, Flags(important_level="second"), B, ["important_level:second", "rank:99"]),
    (99, Flags(important_level="temporary"), C, ["rank:99"]),
    (99, Flags(dual_circuit=True), B, ["dual_circuit", "rank:99"]),
    (99, Flags(has_pv=True), B, ["has_pv", "rank:99"]),
    (99, Flags(has_ev_charging=True), B, ["has_ev_charging", "rank:99"]),
    (7, Flags(dual_power_supply=True), A, ["rank:7", "dual_power_supply"]),
    (20, Flags(has_pv=True, dual_circuit=True), B, ["rank:20", "dual_circuit", "has_pv"]),
    (3, Flags(has_pv=True), A, ["rank:3"]),
])
def test_ranking_grade_follows_rank_and_attribute_rules(rank, flags, grade, reasons):
    assert rules.ranking_grade(rank=rank, flags=flags, params=DEFAULT) == (grade, reasons)


def test_attribute_rules_can_be_switched_off():
    params = PolicyParams(attribute_rules=False)
    assert rules.ranking_grade(rank=None, flags=Flags(dual_power_supply=True), params=params) == (C, ["no_consumption"])


def test_scorecard_reproduces_the_seed_example():
    # (90 × 50% + 70 × 50%) × 1.05 = 84 → B with the default bands (A ≥ 85, B ≥ 60)
    assert rules.scorecard_score(history=90, forecast=70, has_bonus=True, params=DEFAULT) == 84.0
    assert rules.scorecard_grade(history=90, forecast=70, flags=Flags(has_pv=True), params=DEFAULT) == (
        B, ["score:84", "has_pv"])
    assert rules.scorecard_grade(history=95, forecast=90, flags=Flags(), params=DEFAULT)[0] == A
    assert rules.scorecard_grade(history=10, forecast=10, flags=Flags(), params=DEFAULT)[0] == C


@pytest.mark.parametrize(("current", "computed", "locked", "earlier", "expected"), [
    (C, A, False, [], rules.Decision(A)),                       # up at once
    (B, A, False, [None], rules.Decision(A)),
    (B, C, False, [], rules.Decision(B, "hysteresis")),         # first run saying down: held
    (B, C, False, [None], rules.Decision(B, "hysteresis")),
    (B, C, False, [C], rules.Decision(C)),                      # second run in a row: down
    (A, C, False, [B], rules.Decision(B)),                      # down only as far as both agree
    (A, B, False, [C], rules.Decision(B)),
    (A, C, True, [C], rules.Decision(A, "lock")),               # locked: never changes
    (C, A, True, [], rules.Decision(C, "lock")),
    (B, B, True, [], rules.Decision(B)),
])
def test_decide(current, computed, locked, earlier, expected):
    assert rules.decide(current=current, computed=computed, locked=locked, earlier=earlier) == expected


def test_hysteresis_of_one_run_moves_down_at_once():
    assert rules.decide(current=A, computed=C, locked=False, earlier=[], hysteresis_runs=1) == rules.Decision(C)


def test_hysteresis_of_three_runs_needs_two_earlier_drops():
    assert rules.decide(current=A, computed=C, locked=False, earlier=[C, None], hysteresis_runs=3).held_reason
    assert rules.decide(current=A, computed=C, locked=False, earlier=[C, C], hysteresis_runs=3) == rules.Decision(C)


@given(current=st.sampled_from(rules.GRADES), computed=st.sampled_from(rules.GRADES),
       earlier=st.lists(st.one_of(st.none(), st.sampled_from(rules.GRADES)), max_size=1), locked=st.booleans())
def test_a_run_never_moves_a_grade_below_what_it_computed_nor_down_alone(current, computed, earlier, locked):
    decision = rules.decide(current=current, computed=computed, locked=locked, earlier=earlier)
    new = decision.new_grade
    if locked:
        assert new == current
    # never lower than this run computed, never lower than the current grade unless earlier agreed
    assert rules.grade_level(new) >= rules.grade_level(computed) or new == current
    if rules.grade_level(new) < rules.grade_level(current):
        assert earlier and earlier[0] is not None and rules.grade_level(earlier[0]) < rules.grade_level(current)


@pytest.mark.parametrize(("grade", "tier", "fits"), [
    (A, "chief", True), (A, "senior", False), (A, "", False), (A, None, False),
    (B, "chief", True), (B, "senior", True), (B, "standard", False), (B, None, False),
    (C, None, True), (C, "standard", True),
])
def test_tier_fits(grade, tier, fits):
    assert rules.tier_fits(grade, tier) is fits


def test_periods():
    assert rules.previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert rules.trailing_window(date(2026, 10, 1)) == (date(2025, 11, 1), date(2026, 10, 1))
    assert rules.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert rules.parse_period("2026-03") == date(2026, 3, 1)
    with pytest.raises(ValueError):
        rules.parse_period("March")


def test_visit_schedule_per_grade():
    since = date(2026, 1, 10)
    a = rules.visits_due(grade=A, last_by_kind={}, since=since)
    assert [(v.kind, v.due) for v in a] == [
        ("routine", date(2026, 2, 10)), ("safety", date(2026, 4, 10)), ("usage_analysis", date(2026, 4, 10)),
        ("quality_report", date(2027, 1, 10))]
    assert [(v.kind, v.due) for v in rules.visits_due(grade=B, last_by_kind={}, since=since)] == [
        ("routine", date(2026, 2, 10))]
    assert [(v.kind, v.due) for v in rules.visits_due(grade=C, last_by_kind={}, since=since)] == [
        ("routine", date(2026, 4, 10))]


def test_any_visit_counts_as_the_routine_visit_but_a_safety_check_needs_its_kind():
    last = {"usage_analysis": date(2026, 10, 20)}
    due = {v.kind: v.due for v in rules.visits_due(grade=A, last_by_kind=last, since=date(2026, 1, 1))}
    assert due["routine"] == date(2026, 11, 20)
    assert due["usage_analysis"] == date(2027, 1, 20)
    assert due["safety"] == date(2026, 4, 1)


def test_due_state():
    due = rules.VisitDue("routine", date(2026, 11, 8), None)
    assert due.state(date(2026, 11, 1)) == "due_soon"
    assert due.state(date(2026, 10, 31)) == "ok"
    assert due.state(date(2026, 11, 9)) == "overdue"
