"""The SLA sweep (`complaints.sweep.enforce_sla`): time of a sweep with ~1,000 new crossings among
the open complaints, of a second sweep with nothing new, and how both grow with the number of
open complaints.

No row is edited to make crossings: the sweep is run at a `now` chosen so that the next ~1,000
stored warning/deadline times of open items fall between the previous sweep and it (a sweep run
a little later, exactly as in production). Deadlines counted in working days end at 23:59:59, so
thousands of them can fall on one instant: a sweep at such an instant is timed as its own figure
(it is the day's peak, not the "1,000 crossings" case). The growth series then parks or reopens complaints to
reach each open count (this mutates the data set, so it runs last).
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F
from django.utils import timezone

from ..report import FAIL, INFO, OK, Figure
from . import Scenario

NEW_S = 1.0
IDLE_S = 0.2
FLAT_RATIO = 2.0


def _crossings_sql(after):
    """SQL (and parameters) of every stored warning, deadline and severe (deadline + 24 h) time of
    open items still ahead of `after`, one row per crossing (column bench_t)."""
    from complaints.sweep import SEVERE_AFTER, sources

    parts, params = [], []
    for src in sources():
        manager = src.model._default_manager
        querysets = [
            manager.filter(src.open_q, **{src.breached_field: False, f"{col}__gt": after}).annotate(bench_t=F(col))
            for col in (src.warn_field, src.due_field)]
        # level 3: still unmet SEVERE_AFTER after the deadline
        querysets.append(manager.filter(src.open_q, **{src.breached_field: True,
                                                       f"{src.due_field}__gt": after - SEVERE_AFTER})
                         .annotate(bench_t=ExpressionWrapper(F(src.due_field) + SEVERE_AFTER,
                                                             output_field=DateTimeField())))
        for qs in querysets:
            sql, p = qs.values("bench_t").order_by().query.sql_with_params()
            parts.append(f"({sql})")
            params += p
    return " UNION ALL ".join(parts), params


def next_sweep(after, k: int):
    """(time, crossings, clump) of the next timed sweep after `after`: the time by which about k
    more crossings will have passed. Deadlines counted in working days all fall at the end of a
    working day (23:59:59), so one instant can hold thousands of them: such an instant (more
    than k at once) is returned alone with clump=True, and a window stops just before it."""
    union, params = _crossings_sql(after)
    with connection.cursor() as cur:
        cur.execute(f"SELECT bench_t, COUNT(*) FROM ({union}) x GROUP BY bench_t ORDER BY bench_t LIMIT %s",
                    [*params, k])
        rows = cur.fetchall()
    total, last = 0, None
    for t, n in rows:
        if n > k:
            return (last, total, False) if total else (t, n, True)
        total, last = total + n, t
        if total >= k:
            break
    return (last, total, False) if last else (after + timedelta(days=1), 0, False)


def open_count() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM complaints_complaint WHERE status IN "
                    "('received', 'acknowledged', 'paused', 'resolved')")
        return cur.fetchone()[0]


class SlaSweep(Scenario):
    name = "sweep"
    title = "SLA sweep: < 1 s with 1,000 new crossings among the open complaints; < 0.2 s with nothing new; growth"
    feature = "SLA sweep (complaints.sweep.enforce_sla)"
    requires = ("complaints.sweep:enforce_sla", "complaints.sweep:sources")

    def series(self, ctx, runs: int, label: str) -> tuple[Figure, Figure, dict]:
        from complaints.sweep import enforce_sla

        k = ctx.scale.sweep_crossings
        now = self.now
        new_s, idle_s, new_q, idle_q, escalations = [], [], 0, 0, []
        while len(new_s) < runs:
            now, crossings, clump = next_sweep(now, k)
            t = ctx.timed(enforce_sla, now=now)
            if clump:
                # an end-of-working-day instant: measured, but as its own figure
                self.clumps.append((t.seconds, t.result.total, label))
                continue
            new_s.append(t.seconds)
            new_q = max(new_q, t.queries)
            escalations.append(t.result.total)
            t2 = ctx.timed(enforce_sla, now=now)
            idle_s.append(t2.seconds)
            idle_q = max(idle_q, t2.queries)
            if t2.result.total:
                raise AssertionError(f"a second sweep at the same time wrote {t2.result.total} escalations")
        self.now = now
        info = {"open": open_count(), "escalations_per_sweep": escalations}
        print(f"    {label}: sweeps {[round(x, 3) for x in new_s]} s ({escalations} escalations), "
              f"nothing new {[round(x, 3) for x in idle_s]} s", flush=True)
        new = Figure(scenario=self.name, measure=f"sweep, ~{k:,} new crossings, {label}", unit="s", samples=new_s,
                     target=f"< {NEW_S:g} s", limit=NEW_S, queries=new_q, details=info)
        idle = Figure(scenario=self.name, measure=f"second sweep, nothing new, {label}", unit="s", samples=idle_s,
                      target=f"< {IDLE_S:g} s", limit=IDLE_S, queries=idle_q)
        return new, idle, info

    def run(self, ctx) -> list[Figure]:
        from complaints.sweep import enforce_sla

        figures = []
        self.clumps = []
        # catch up: the generated data already holds the escalations of its past, but the sweep
        # decides; this first sweep at the real time settles whatever is left
        self.now = timezone.now()
        t = ctx.timed(enforce_sla, now=self.now)
        figures.append(Figure(scenario=self.name, measure="first sweep on the loaded data (catch-up)", unit="s",
                              samples=[t.seconds], queries=t.queries,
                              details={"escalations": t.result.total, "open": open_count()}))
        new, idle, _ = self.series(ctx, ctx.scale.runs, f"{open_count():,} open")
        figures += [new, idle]
        figures += self.growth(ctx)
        if self.clumps:
            seconds = [c[0] for c in self.clumps]
            counts = [c[1] for c in self.clumps]
            print(f"    end-of-working-day instants: sweeps {[round(x, 3) for x in seconds]} s "
                  f"({counts} escalations)", flush=True)
            figures.append(Figure(scenario=self.name, unit="s", samples=seconds,
                                  measure=f"sweep at an end-of-working-day instant ({min(counts):,}-{max(counts):,} "
                                          f"escalations at once)",
                                  details={"escalations": counts, "series": [c[2] for c in self.clumps]}))
        return figures

    # --- growth: the same measure at several open counts ----------------------------------------
    def growth(self, ctx) -> list[Figure]:
        from complaints.sweep import enforce_sla

        runs = max(1, min(3, ctx.scale.runs - 1))
        medians, dry = {}, []
        out = []
        with connection.cursor() as cur:
            cur.execute("CREATE TEMP TABLE bench_parked (id bigint PRIMARY KEY, status varchar(20))")
            # Reshaping rewrites up to 900,000 rows: the complaint indexes that back no constraint
            # are dropped before it and built again after it, so every sweep below is measured
            # with all of the product's indexes in place, as in production.
            cur.execute("""
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.tablename = 'complaints_complaint' AND i.schemaname = current_schema()
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""")
            self.index_defs = cur.fetchall()
        for target in sorted(ctx.scale.sweep_growth):
            started = time.perf_counter()
            reached = self.set_open(ctx, target)
            print(f"    reshaped to {reached:,} open in {time.perf_counter() - started:.0f} s", flush=True)
            enforce_sla(now=self.now)  # settle what the reshaping made due (untimed)
            new, idle, info = self.series(ctx, runs, f"growth: {reached:,} open")
            new.limit = idle.limit = None  # the series is information; the ratio below is judged
            new.target = idle.target = ""
            medians[reached] = (new.median, idle.median)
            if not all(info["escalations_per_sweep"]):
                dry.append(reached)  # the data set had no crossings left ahead at this open count
            out += [new, idle]
        if len(medians) >= 2:
            lo, hi = min(medians), max(medians)
            ratio = medians[hi][0] / medians[lo][0] if medians[lo][0] else float("nan")
            ratio_idle = medians[hi][1] / medians[lo][1] if medians[lo][1] else float("nan")
            worst = max(ratio, ratio_idle)
            out.append(Figure(scenario=self.name, measure=f"growth {lo:,} -> {hi:,} open: largest/smallest median",
                              unit="x", value=worst, target=f"< {FLAT_RATIO:g}x (nearly flat)",
                              # a series whose sweeps crossed nothing measures nothing: not judged
                              status=INFO if dry else OK if worst < FLAT_RATIO else FAIL,
                              note=f"not judged: no crossings left at {', '.join(f'{n:,}' for n in dry)} open"
                                   if dry else "",
                              details={"new_crossings_ratio": ratio, "nothing_new_ratio": ratio_idle,
                                       "indexes_rebuilt_after_reshaping": [n for n, _d in self.index_defs],
                                       "medians_s": {str(k): v for k, v in medians.items()}}))
        return out

    def set_open(self, ctx, target: int) -> int:
        """Make `target` complaints open: park (close) surplus open ones, bring parked ones back,
        and beyond that reopen closed ones with a new resolve clock (as a reopen does)."""
        current = open_count()
        with transaction.atomic(), connection.cursor() as cur:
            for name, _definition in self.index_defs:
                cur.execute(f'DROP INDEX IF EXISTS "{name}"')
            if current > target:
                cur.execute("""
                    WITH surplus AS (
                        SELECT id, status FROM complaints_complaint
                        WHERE status IN ('received', 'acknowledged', 'paused', 'resolved')
                        ORDER BY id LIMIT %s)
                    INSERT INTO bench_parked SELECT id, status FROM surplus ON CONFLICT DO NOTHING""",
                            [current - target])
                cur.execute("UPDATE complaints_complaint c SET status = 'closed' FROM bench_parked p "
                            "WHERE c.id = p.id AND c.status <> 'closed'")
            elif current < target:
                cur.execute("SELECT COUNT(*) FROM bench_parked")
                parked = cur.fetchone()[0]
                if parked:
                    cur.execute("""
                        WITH back AS (DELETE FROM bench_parked WHERE id IN (
                            SELECT id FROM bench_parked ORDER BY id DESC LIMIT %s) RETURNING id, status)
                        UPDATE complaints_complaint c SET status = back.status FROM back WHERE c.id = back.id""",
                                [target - current])
                    current = open_count()
                if current < target:
                    # reopened: a new resolve clock from now, deadlines spread over 1..10 days
                    # ahead (to the second, so crossings arrive one by one), warning at 0.75
                    cur.execute("""
                        UPDATE complaints_complaint SET status = 'acknowledged', reopen_count = reopen_count + 1,
                            resolve_started_at = %s,
                            resolve_due_at = %s + (86400 + (id * 7919) %% 777600) * interval '1 second',
                            resolve_warn_at = %s + (86400 + (id * 7919) %% 777600) * interval '0.75 second',
                            resolve_breached = false, resolve_level = 0, callback_level = 0,
                            callback_due_at = NULL, callback_warn_at = NULL,
                            closed_at = NULL
                        WHERE id IN (SELECT id FROM complaints_complaint WHERE status = 'closed'
                                     AND id NOT IN (SELECT id FROM bench_parked) ORDER BY id DESC LIMIT %s)""",
                                [self.now, self.now, self.now, target - current])
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for _name, definition in self.index_defs:
                cur.execute(definition)
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE complaints_complaint")
        return open_count()

