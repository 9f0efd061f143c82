"""The monthly run on a hand-built data set whose expected grades are written out."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from core.models import Notification
from customers.models import ConsumptionRecord, Customer
from grading import services, tasks
from grading.models import GradeChange, GradeRun, GradingPolicy
from servicecenter.schedules import SCHEDULE
from tests.customers.factories import CustomerFactory, StaffFactory

from .conftest import OCTOBER

D = datetime.date


MARCH = D(2026, 3, 1)


def customer(station, name, amount=None, *, period=MARCH, **flags):
    """A customer whose trailing-12-month amount up to October 2026 is `amount` (two records)."""
    c = CustomerFactory(station=station, name=name, **flags)
    if amount is not None:
        half = Decimal(amount) / 2
        ConsumptionRecord.objects.bulk_create([
            ConsumptionRecord(customer=c, period=period, kwh=1, amount_yuan=half),
            ConsumptionRecord(customer=c, period=D(2026, 10, 1), kwh=1, amount_yuan=half),
        ])
    return c


@pytest.fixture
def dataset(station, other_station, users, small_policy):
    """Two stations; policy top 2 → A, top 4 → B. Every customer starts at C (auto)."""
    s1, s2 = station, other_station
    c = {
        "big": customer(s1, "big", 1000),              # rank 1
        "tie1": customer(s1, "tie1", 900),             # rank 2 (tie)
        "tie2": customer(s1, "tie2", 900),             # rank 2 (tie shares the better rank)
        "fourth": customer(s1, "fourth", 800),         # rank 4
        "fifth": customer(s1, "fifth", 700),           # rank 5
        "dual_power": customer(s1, "dual_power", 0, dual_power_supply=True),  # not ranked (zero)
        "special": customer(s1, "special", 10, important_level="special"),    # ranks 6 (7-way tie)
        "first": customer(s1, "first", 10, important_level="first"),
        "second": customer(s1, "second", 10, important_level="second"),
        "dual_circuit": customer(s1, "dual_circuit", 10, dual_circuit=True),
        "pv": customer(s1, "pv", 10, has_pv=True),
        "ev": customer(s1, "ev", 10, has_ev_charging=True),
        "temporary": customer(s1, "temporary", 10, important_level="temporary"),
        "nothing": customer(s1, "nothing"),            # no consumption at all
        "s2_top": customer(s2, "s2_top", 50),          # small, but first in its own station
        "s2_second": customer(s2, "s2_second", 40),
        "s2_third": customer(s2, "s2_third", 30),
    }
    # outside the window: September 2025 is 13 months back, November 2026 is after the period
    ConsumptionRecord.objects.bulk_create([
        ConsumptionRecord(customer=c["nothing"], period=D(2025, 10, 1), kwh=1, amount_yuan=99999),
        ConsumptionRecord(customer=c["nothing"], period=D(2026, 11, 1), kwh=1, amount_yuan=99999),
    ])
    return c


EXPECTED = {
    "big": ("A", ["rank:1"]),
    "tie1": ("A", ["rank:2"]),
    "tie2": ("A", ["rank:2"]),
    "fourth": ("B", ["rank:4"]),
    "fifth": ("C", None),
    "dual_power": ("A", ["dual_power_supply", "no_consumption"]),
    "special": ("A", ["important_level:special", "rank:6"]),
    "first": ("A", ["important_level:first", "rank:6"]),
    "second": ("B", ["important_level:second", "rank:6"]),
    "dual_circuit": ("B", ["dual_circuit", "rank:6"]),
    "pv": ("B", ["has_pv", "rank:6"]),
    "ev": ("B", ["has_ev_charging", "rank:6"]),
    "temporary": ("C", None),
    "nothing": ("C", None),
    "s2_top": ("A", ["rank:1"]),
    "s2_second": ("A", ["rank:2"]),
    "s2_third": ("B", ["rank:3"]),
}


def grades(dataset):
    got = dict(Customer.objects.filter(pk__in=[c.pk for c in dataset.values()]).values_list("pk", "grade"))
    return {name: got[c.pk] for name, c in dataset.items()}


def test_ranks_are_computed_per_station_in_the_database_with_ties(dataset):
    ranks = services.station_ranks(period=OCTOBER)
    assert ranks[dataset["big"].pk] == (1, Decimal("1000"))
    assert ranks[dataset["tie1"].pk][0] == ranks[dataset["tie2"].pk][0] == 2
    assert ranks[dataset["fourth"].pk][0] == 4
    assert ranks[dataset["s2_top"].pk][0] == 1
    assert dataset["dual_power"].pk not in ranks      # zero is not ranked
    assert dataset["nothing"].pk not in ranks         # only months Nov 2025 – Oct 2026 count


def test_the_run_gives_the_expected_grades_and_reasons(dataset, at_run_moment):
    run, executed = services.reevaluate_grades(period=OCTOBER)
    assert executed and run.status == "done"
    assert grades(dataset) == {name: grade for name, (grade, _r) in EXPECTED.items()}
    changes = {ch.customer_id: ch for ch in run.changes.all()}
    for name, (grade, reasons) in EXPECTED.items():
        ch = changes.get(dataset[name].pk)
        if grade == "C":
            assert ch is None, name                   # unchanged: no change row
        else:
            assert (ch.old_grade, ch.new_grade, ch.reasons, ch.applied) == ("C", grade, reasons, True), name
    assert (run.total, run.up, run.down, run.unchanged, run.held_by_lock, run.held_by_hysteresis) == (
        17, 14, 0, 3, 0, 0)
    assert run.policy_snapshot["top_a"] == 2 and run.policy_snapshot["name"] == "small"
    assert Customer.objects.get(pk=dataset["big"].pk).grade_source == "auto"


def test_a_locked_manual_grade_is_kept_but_recorded(dataset, at_run_moment):
    locked = CustomerFactory(station=dataset["big"].station, grade="A", grade_source="manual",
                             grade_locked_until=D(2027, 1, 1))
    expired = CustomerFactory(station=dataset["big"].station, grade="C", grade_source="manual",
                              grade_locked_until=D(2026, 10, 31), dual_power_supply=True)
    run, _ = services.reevaluate_grades(period=OCTOBER)
    locked.refresh_from_db()
    expired.refresh_from_db()
    assert (locked.grade, locked.grade_source) == ("A", "manual")
    held = GradeChange.objects.get(run=run, customer=locked)
    assert (held.new_grade, held.computed_grade, held.applied, held.held_reason) == ("A", "C", False, "lock")
    assert (expired.grade, expired.grade_source, expired.grade_locked_until) == ("A", "auto", None)
    assert run.held_by_lock == 1


def test_a_dry_run_writes_only_the_run_and_its_would_be_changes(dataset, at_run_moment):
    run, _ = services.reevaluate_grades(period=OCTOBER, dry_run=True)
    assert run.dry_run and run.up == 14
    assert set(grades(dataset).values()) == {"C"}
    assert run.changes.count() == 14 and not run.changes.filter(applied=True).exists()
    assert run.changes.get(customer=dataset["big"]).new_grade == "A"
    assert not Notification.objects.exists()
    # the dry run does not own the period: the real run still happens
    real, executed = services.reevaluate_grades(period=OCTOBER)
    assert executed and real.pk != run.pk and real.up == 14


def test_a_second_run_for_the_same_period_changes_nothing_unless_forced(dataset, at_run_moment):
    first, _ = services.reevaluate_grades(period=OCTOBER)
    changes, notes = GradeChange.objects.count(), Notification.objects.count()
    again, executed = services.reevaluate_grades(period=OCTOBER)
    assert not executed and again.pk == first.pk
    assert (GradeChange.objects.count(), Notification.objects.count()) == (changes, notes)
    forced, executed = services.reevaluate_grades(period=OCTOBER, force=True)
    assert executed and forced.forced and forced.unchanged == 17 and forced.changes.count() == 0
    first.refresh_from_db()
    assert first.status == "superseded"


def test_the_tier_mismatch_list_names_customers_whose_account_manager_does_not_fit(dataset, users, at_run_moment):
    chief = users["account_manager"]                      # am1, chief
    senior = StaffFactory(username="am_senior", role="account_manager", tier="senior")
    standard = StaffFactory(username="am_std", role="account_manager", tier="standard")
    Customer.objects.filter(pk__in=[dataset["big"].pk, dataset["fourth"].pk]).update(account_manager=chief)
    Customer.objects.filter(pk__in=[dataset["tie1"].pk, dataset["second"].pk]).update(account_manager=senior)
    Customer.objects.filter(pk__in=[dataset["pv"].pk, dataset["fifth"].pk]).update(account_manager=standard)
    run, _ = services.reevaluate_grades(period=OCTOBER)
    listed = {(m["account_no"], m["grade"], m["account_manager"], m["required_tier"]) for m in run.mismatches}
    by_name = {c.pk: c.account_no for c in dataset.values()}
    assert (by_name[dataset["tie1"].pk], "A", "am_senior", "chief") in listed      # A needs a chief
    assert (by_name[dataset["pv"].pk], "B", "am_std", "senior") in listed          # B needs a senior
    assert (by_name[dataset["tie2"].pk], "A", None, "chief") in listed             # nobody at all
    assert not {m for m in listed if m[0] in (by_name[dataset["big"].pk], by_name[dataset["fourth"].pk],
                                               by_name[dataset["second"].pk], by_name[dataset["fifth"].pk])}
    # every A/B customer without a fitting manager: 8 A + 6 B, less big, fourth and second
    assert run.mismatch_count == len(run.mismatches) == 11


def test_account_managers_get_one_digest_per_run_and_managers_a_mismatch_summary(dataset, users, at_run_moment):
    am = users["account_manager"]
    Customer.objects.filter(pk__in=[dataset["big"].pk, dataset["pv"].pk, dataset["fifth"].pk]).update(
        account_manager=am)
    run, _ = services.reevaluate_grades(period=OCTOBER)
    notes = Notification.objects.filter(recipient=am)
    assert notes.count() == 1                          # a digest, not one per customer
    note = notes.get()
    assert note.kind == "grading.grades_changed" and "2" in note.subject
    assert f"{dataset['big'].account_no}" in note.body and "C → A" in note.body
    assert dataset["fifth"].account_no not in note.body   # unchanged
    summary = Notification.objects.filter(kind="grading.tier_mismatch")
    assert set(summary.values_list("recipient__username", flat=True)) == {"manager1", "leader1"}
    services.reevaluate_grades(period=OCTOBER)            # no-op: nothing new
    assert Notification.objects.filter(recipient=am).count() == 1


def monthly(customers_amounts, periods):
    ConsumptionRecord.objects.bulk_create([
        ConsumptionRecord(customer=c, period=p, kwh=1, amount_yuan=amount)
        for c, amount in customers_amounts for p in periods])


def test_a_customer_dropping_out_of_the_top_50_keeps_b_for_one_run_and_becomes_c_on_the_second(station, users):
    """Default policy (top 10 / top 50, two runs before a downgrade)."""
    periods = [D(2025, 9, 1), *[D(2026, m, 1) for m in range(1, 11)]]
    big = [CustomerFactory(station=station) for _ in range(10)]
    mid = [CustomerFactory(station=station) for _ in range(40)]
    monthly([(c, 10000 + i) for i, c in enumerate(big)] + [(c, 1000 + i) for i, c in enumerate(mid)], periods)
    leaver = CustomerFactory(station=station)
    ConsumptionRecord.objects.create(customer=leaver, period=D(2025, 9, 1), kwh=1, amount_yuan=500000)
    # August 2026: the window Sep 2025 – Aug 2026 holds the leaver's big month: rank 1 … 11
    august, _ = services.reevaluate_grades(period=D(2026, 8, 1), today=D(2026, 9, 1))
    leaver.refresh_from_db()
    assert leaver.grade == "A"
    ConsumptionRecord.objects.filter(customer=leaver).update(amount_yuan=20000)  # 11th: rank 11 → B
    services.reevaluate_grades(period=D(2026, 8, 1), force=True, today=D(2026, 9, 1))
    leaver.refresh_from_db()
    assert leaver.grade == "A"                     # a drop A → B also waits for a second run
    GradeRun.objects.all().delete()
    Customer.objects.filter(pk=leaver.pk).update(grade="B")
    services.reevaluate_grades(period=D(2026, 8, 1), today=D(2026, 9, 1))
    leaver.refresh_from_db()
    assert leaver.grade == "B"
    # September: September 2025 left the window; no positive amount → computed C, held at B
    september, _ = services.reevaluate_grades(period=D(2026, 9, 1), today=D(2026, 10, 1))
    leaver.refresh_from_db()
    held = GradeChange.objects.get(run=september, customer=leaver)
    assert (leaver.grade, held.computed_grade, held.held_reason, held.applied) == ("B", "C", "hysteresis", False)
    assert september.held_by_hysteresis == 1 and september.down == 0
    # October: the second run in a row says C → C
    october, _ = services.reevaluate_grades(period=D(2026, 10, 1), today=D(2026, 11, 1))
    leaver.refresh_from_db()
    dropped = GradeChange.objects.get(run=october, customer=leaver)
    assert (leaver.grade, dropped.new_grade, dropped.applied, dropped.reasons) == ("C", "C", True, ["no_consumption"])
    assert october.down == 1
    # the 40th mid customer is rank 50 (B), every run
    assert Customer.objects.get(pk=mid[0].pk).grade == "B"


def test_a_drop_that_the_next_run_does_not_confirm_is_forgotten(station, users, small_policy):
    c = CustomerFactory(station=station, grade="B")
    others = [CustomerFactory(station=station) for _ in range(4)]
    monthly([(o, 100) for o in others], [D(2026, 8, 1)])
    run1, _ = services.reevaluate_grades(period=D(2026, 8, 1), today=D(2026, 9, 1))
    assert run1.held_by_hysteresis == 1
    ConsumptionRecord.objects.create(customer=c, period=D(2026, 9, 1), kwh=1, amount_yuan=1000)
    services.reevaluate_grades(period=D(2026, 9, 1), today=D(2026, 10, 1))       # rank 1 → A (up at once)
    ConsumptionRecord.objects.filter(customer=c).delete()
    run3, _ = services.reevaluate_grades(period=D(2026, 10, 1), today=D(2026, 11, 1))
    c.refresh_from_db()
    assert c.grade == "A" and run3.held_by_hysteresis == 1                        # held again, not dropped


def test_the_scorecard_policy_grades_by_score_bands(station, users, at_run_moment):
    GradingPolicy.objects.update(is_active=False)
    GradingPolicy.objects.create(name="score", kind="scorecard", is_active=True)
    cs = [CustomerFactory(station=station) for _ in range(5)]
    monthly([(c, 100 * (i + 1)) for i, c in enumerate(cs)], [D(2026, m, 1) for m in range(1, 11)])
    run, _ = services.reevaluate_grades(period=OCTOBER)
    got = [Customer.objects.get(pk=c.pk).grade for c in cs]
    # percentiles 0, 25, 50, 75, 100 → scores 0, 25, 50, 75, 100 → C C C B A
    assert got == ["C", "C", "C", "B", "A"]
    assert run.changes.get(customer=cs[-1]).reasons == ["score:100"]


def test_a_month_that_has_not_ended_cannot_be_graded(station, at_run_moment):
    from servicecenter.exceptions import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.reevaluate_grades(period=D(2026, 11, 1))


def test_task_names_and_beat_entry_are_pinned():
    assert tasks.reevaluate_grades.name == "grading.reevaluate_grades"
    assert tasks.remind_visits.name == "grading.remind_visits"
    assert SCHEDULE["reevaluate-grades"][:2] == ("grading.reevaluate_grades",
                                                 {"minute": "0", "hour": "2", "day_of_month": "1"})
    assert SCHEDULE["remind-visits"][0] == "grading.remind_visits"


def test_the_task_grades_the_previous_month_once_when_run_twice(dataset, at_run_moment):
    first = tasks.reevaluate_grades()
    second = tasks.reevaluate_grades()
    assert first == second
    run = GradeRun.objects.get()
    assert run.period == OCTOBER and run.up == 14
    assert GradeChange.objects.count() == 14


def test_the_command_runs_dry_and_for_real(dataset, at_run_moment, capsys):
    call_command("reevaluate_grades", "--period", "2026-10", "--dry-run", "--no-progress")
    out = capsys.readouterr().out
    assert "dry run" in out and "up 14" in out
    call_command("reevaluate_grades", "--no-progress")
    call_command("reevaluate_grades", "--no-progress")
    out = capsys.readouterr().out
    assert "already graded" in out
    assert GradeRun.objects.filter(dry_run=False).count() == 1


def test_a_failed_run_is_marked_and_does_not_block_the_next_attempt(dataset, at_run_moment, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "station_ranks", broken)
    with pytest.raises(RuntimeError):
        services.reevaluate_grades(period=OCTOBER)
    failed = GradeRun.objects.get()
    assert failed.status == "failed" and "database went away" in failed.error
    assert set(grades(dataset).values()) == {"C"}           # nothing applied
    monkeypatch.undo()
    run, executed = services.reevaluate_grades(period=OCTOBER)
    assert executed and run.status == "done" and run.up == 14


def test_remind_visits_command(station, users, capsys):
    call_command("remind_visits")
    assert "reminder" in capsys.readouterr().out
