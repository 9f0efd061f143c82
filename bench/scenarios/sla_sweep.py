"""The SLA sweep (`complaints.sweep.enforce_sla`): time of a sweep with ~1,000 new crossings among
the open orders of every kind (the deadline rows of every kind; the crossings are printed per kind), of a second sweep with nothing new, and how both grow with the number of
open complaints.

No row is edited to make crossings: the sweep is run at a `now` chosen so that the next ~1,000
stored warning/deadline times of open items fall between the previous sweep and it (a sweep run
a little later, exactly as in production). Deadlines counted in working days end at 23:59:59, so
thousands of them can fall on one instant: a sweep at such an instant is timed as its own figure
(it is the day's peak, not the "1,000 crossings" case). The growth series then parks or reopens complaints to
reach each open count and gives each step crossings of its own among its open complaints (this
mutates the data set, so it runs after the other sweep figures).
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..report import FAIL, INFO, OK, Figure
from . import Scenario

NEW_S = 1.0
IDLE_S = 0.2
FLAT_RATIO = 2.0
EOD_S = 1.2
EOD_MS_PER_ESCALATION = 0.06
EOD_FLOOR_RATIO = 3.0
CATCHUP_S = 4.0
CATCHUP_IDLE_S = 1.5


def _crossings_sql(after):
    """SQL (and parameters) of every warning, deadline and severe (deadline + 24 h) time still
    ahead of `after` among the running deadline rows (clock.Deadline, what the sweep reads), one
    row per crossing (column bench_t)."""
    from complaints.sweep import SEVERE_AFTER

    sql = ("(SELECT warn_at AS bench_t, subject_type, subject_id FROM clock_deadline WHERE running AND NOT breached "
           "AND level < 1 AND warn_at > %s) UNION ALL "
           "(SELECT due_at, subject_type, subject_id FROM clock_deadline WHERE running AND NOT breached AND due_at > %s) "
           "UNION ALL (SELECT due_at + %s, subject_type, subject_id FROM clock_deadline WHERE running AND breached "
           "AND level < 3 AND NOT severe_at_once AND due_at > %s)")
    return sql, [after, after, SEVERE_AFTER, after - SEVERE_AFTER]


def crossings_by_kind(after, upto) -> dict[str, int]:
    """The crossings of (after, upto] per kind of order (`work_order` for the work orders' rows):
    the sweep reads the deadline rows of every kind."""
    union, params = _crossings_sql(after)
    with connection.cursor() as cur:
        cur.execute(f"SELECT COALESCE(c.kind, x.subject_type), COUNT(*) FROM ({union}) x "
                    "LEFT JOIN complaints_complaint c ON x.subject_type = 'complaint' AND c.id = x.subject_id "
                    "WHERE x.bench_t <= %s GROUP BY 1 ORDER BY 2 DESC", [*params, upto])
        return dict(cur.fetchall())


def open_by_kind() -> dict[str, int]:
    with connection.cursor() as cur:
        cur.execute("SELECT kind, COUNT(*) FROM complaints_complaint WHERE status IN "
                    "('received', 'acknowledged', 'paused', 'resolved') GROUP BY 1 ORDER BY 2 DESC")
        return dict(cur.fetchall())


def _kinds(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


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
    title = "SLA sweep: < 1 s with 1,000 new crossings among the open orders (every kind); < 0.2 s with nothing new; growth"
    feature = "SLA sweep (complaints.sweep.enforce_sla)"
    requires = ("complaints.sweep:enforce_sla", "complaints.sweep:sources")

    def series(self, ctx, runs: int, label: str) -> tuple[Figure, Figure, dict]:
        from complaints.sweep import enforce_sla

        k = ctx.scale.sweep_crossings
        now = self.now
        new_s, idle_s, new_q, idle_q, escalations = [], [], 0, 0, []
        kinds: dict[str, int] = {}
        while len(new_s) < runs:
            before = now
            now, crossings, clump = next_sweep(now, k)
            by_kind = crossings_by_kind(before, now)  # untimed: what this sweep is to cross, per kind
            t = ctx.timed(enforce_sla, now=now)
            if clump:
                # an end-of-working-day instant: measured, but as its own figure
                self.clumps.append((t.seconds, t.result.total, label))
                continue
            for kind, c in by_kind.items():
                kinds[kind] = kinds.get(kind, 0) + c
            new_s.append(t.seconds)
            new_q = max(new_q, t.queries)
            escalations.append(t.result.total)
            t2 = ctx.timed(enforce_sla, now=now)
            idle_s.append(t2.seconds)
            idle_q = max(idle_q, t2.queries)
            if t2.result.total:
                raise AssertionError(f"a second sweep at the same time wrote {t2.result.total} escalations")
        self.now = now
        opened = open_by_kind()
        info = {"open": open_count(), "escalations_per_sweep": escalations, "crossings_by_kind": kinds,
                "open_by_kind": opened}
        print(f"    {label}: sweeps {[round(x, 3) for x in new_s]} s ({escalations} escalations; target < {NEW_S:g} s), "
              f"nothing new {[round(x, 3) for x in idle_s]} s (target < {IDLE_S:g} s)", flush=True)
        print(f"      crossings of those {len(new_s)} sweeps by kind: {_kinds(kinds)}; open by kind: {_kinds(opened)}",
              flush=True)
        new = Figure(scenario=self.name, measure=f"sweep, ~{k:,} new crossings, {label}", unit="s", samples=new_s,
                     target=f"< {NEW_S:g} s", limit=NEW_S, queries=new_q, details=info)
        idle = Figure(scenario=self.name, measure=f"second sweep, nothing new, {label}", unit="s", samples=idle_s,
                      target=f"< {IDLE_S:g} s", limit=IDLE_S, queries=idle_q)
        return new, idle, info

    def run(self, ctx) -> list[Figure]:
        from complaints.sweep import enforce_sla

        figures = []
        self.clumps = []
        self.index_defs = None
        # catch up: the generated data already holds the escalations of its past, but the sweep
        # decides; this first sweep at the real time settles whatever is left
        self.now = timezone.now()
        t = ctx.timed(enforce_sla, now=self.now)
        figures.append(Figure(scenario=self.name, measure="first sweep on the loaded data (catch-up)", unit="s",
                              samples=[t.seconds], queries=t.queries,
                              details={"escalations": t.result.total, "open": open_count()}))
        new, idle, _ = self.series(ctx, ctx.scale.runs, f"{open_count():,} open")
        figures += [new, idle]
        figures += self.end_of_day(ctx)
        figures += self.growth(ctx)
        figures += self.catch_up(ctx)
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

    # --- the end-of-working-day instant -------------------------------------------------------------
    def end_of_day(self, ctx) -> list[Figure]:
        """At least `eod_crossings` deadlines fall due at one instant (23:59:59 of a day, as working-day
        deadlines do) among the open complaints: the resolve deadlines of that many running rows are
        moved to the instant (rows and complaints alike), a sweep just before it settles everything
        else, then ONE sweep at the instant is timed. The floor, in the same run: a bare
        `INSERT … SELECT` of the same number of escalation rows into the same table (same indexes and
        unique constraint), rolled back."""
        from datetime import UTC

        from complaints.sweep import enforce_sla

        n = ctx.scale.eod_crossings
        if open_count() < ctx.scale.eod_open:
            # the data set carries a center's ~3 % open orders (32,734 of 1,000,000): reopen closed
            # ones up to the target's open count, each with a new clock ahead (as the growth does)
            started = time.perf_counter()
            reached = self.set_open(ctx, ctx.scale.eod_open)
            enforce_sla(now=self.now)  # settle what the reshaping made due (untimed)
            print(f"    end of a working day: reshaped to {reached:,} open in {time.perf_counter() - started:.0f} s",
                  flush=True)
        local = timezone.localtime(self.now + timedelta(days=2))
        instant = local.replace(hour=23, minute=59, second=59, microsecond=0).astimezone(UTC)
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_eod")
            # running complaint deadlines of every kind (an acknowledgement, a reply, a callback) due
            # after now, the nearest first: they all fall due at the one instant
            cur.execute("""CREATE TEMP TABLE bench_eod AS
                           SELECT id, subject_id, station_id, cycle, kind FROM clock_deadline
                           WHERE running AND NOT breached AND subject_type = 'complaint'
                             AND due_at > %s ORDER BY due_at LIMIT %s""", [self.now, n])
            before = instant - timedelta(hours=1)
            cur.execute("UPDATE clock_deadline d SET due_at = %s, warn_at = LEAST(d.warn_at, %s) FROM bench_eod e "
                        "WHERE d.id = e.id", [instant, before])
            for kind in ("ack", "resolve", "callback", "assign"):
                cur.execute(f"UPDATE complaints_complaint c SET {kind}_due_at = %s, "
                            f"{kind}_warn_at = LEAST(c.{kind}_warn_at, %s) FROM bench_eod e "
                            f"WHERE c.id = e.subject_id AND e.kind = %s", [instant, before, kind])
            cur.execute("SELECT COUNT(*) FROM bench_eod")
            moved = cur.fetchone()[0]
            cur.execute("SELECT c.kind, COUNT(*) FROM bench_eod e JOIN complaints_complaint c ON c.id = e.subject_id "
                        "GROUP BY 1")
            moved_kinds = dict(cur.fetchall())
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE clock_deadline")
            cur.execute("VACUUM ANALYZE complaints_complaint")
        enforce_sla(now=instant - timedelta(seconds=1))  # settle everything before the instant (untimed)
        with connection.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM clock_deadline WHERE running AND NOT breached AND due_at = %s",
                        [instant])
            crossing = cur.fetchone()[0]
        opened = open_count()
        t = ctx.timed(enforce_sla, now=instant)
        escalations = t.result.total
        self.now = instant
        # the floor: the same number of escalation rows, bare
        with transaction.atomic(), connection.cursor() as cur:
            started = time.perf_counter()
            cur.execute("""
                INSERT INTO complaints_escalation (created_at, updated_at, subject_type, kind, level, subject_id,
                                                   complaint_id, station_id, due_at, reason, cycle)
                SELECT %s, %s, 'complaint', e.kind, lv.n, e.subject_id, e.subject_id, e.station_id, %s, '',
                       e.cycle + 100
                FROM bench_eod e CROSS JOIN (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3) lv
                ORDER BY e.subject_id, lv.n LIMIT %s
                ON CONFLICT DO NOTHING""", [instant, instant, instant, escalations])
            floor = time.perf_counter() - started
            floor_rows = cur.rowcount
            transaction.set_rollback(True)
        per = t.seconds / escalations * 1000 if escalations else float("nan")
        ratio = t.seconds / floor if floor else float("nan")
        print(f"    end of a working day: {crossing:,} deadlines at {instant:%Y-%m-%d %H:%M:%S}Z among {opened:,} open "
              f"({moved:,} moved there): sweep {t.seconds:.3f} s (target < {EOD_S:g} s) for {escalations:,} "
              f"escalations ({per:.4f} ms each, target <= {EOD_MS_PER_ESCALATION:g} ms); floor {floor:.3f} s for "
              f"{floor_rows:,} rows; ratio {ratio:.2f}x (target <= {EOD_FLOOR_RATIO:g}x)", flush=True)
        print(f"      the deadlines moved to the instant by kind: {_kinds(moved_kinds)}", flush=True)
        print("      the sweep's slowest statements:\n" + t.slowest(8), flush=True)
        details = {"deadlines_at_instant": crossing, "moved": moved, "moved_by_kind": moved_kinds, "open": opened,
                   "escalations": escalations,
                   "floor_rows": floor_rows, "floor_s": floor, "counts": {k: v for k, v in t.result.counts.items() if v}}
        return [
            Figure(scenario=self.name, measure=f"end-of-working-day instant: {crossing:,} deadlines at once among "
                                               f"{opened:,} open, one sweep", unit="s", samples=[t.seconds],
                   target=f"< {EOD_S:g} s", limit=EOD_S, queries=t.queries, details=details),
            Figure(scenario=self.name, measure="end-of-working-day instant: per escalation written", unit="ms",
                   value=per, target=f"<= {EOD_MS_PER_ESCALATION:g} ms",
                   status=OK if per <= EOD_MS_PER_ESCALATION else FAIL),
            Figure(scenario=self.name, measure=f"end-of-working-day instant: floor (bare INSERT ... SELECT of "
                                               f"{floor_rows:,} escalation rows)", unit="s", value=floor,
                   status=INFO),
            Figure(scenario=self.name, measure="end-of-working-day instant: sweep / floor", unit="x", value=ratio,
                   target=f"<= {EOD_FLOOR_RATIO:g}x", status=OK if ratio <= EOD_FLOOR_RATIO else FAIL),
        ]

    # --- catch-up after downtime ---------------------------------------------------------------------
    def catch_up(self, ctx) -> list[Figure]:
        """`catchup_old` complaints received weeks ago with every deadline overdue and nothing
        escalated (the sweep was down), plus `catchup_fresh` just received: `manage.py enforce_sla`
        as a whole process (start included), then a second run with nothing new."""
        import sys

        from django.db.models import Q

        from clock.engine import backfill
        from complaints.lifecycle import COMPLAINT
        from complaints.models import Complaint
        from complaints.sweep import enforce_sla

        at = self.now + timedelta(hours=1)
        enforce_sla(now=at)  # settle the data set itself at that time (untimed)
        old, fresh = ctx.scale.catchup_old, ctx.scale.catchup_fresh
        # any complaint will do as the template (every SLA column is overridden); after the growth
        # series has opened all of them there may be no closed one left
        template = Complaint.objects.order_by("id").values_list("id", flat=True).first()
        meta = Complaint._meta
        qn = connection.ops.quote_name

        def insert(prefix: str, count: int, received_sql: str) -> None:
            overrides = {
                "number": f"'{prefix}' || lpad(g::text, 10, '0')", "received_at": received_sql,
                "channel": "'phone'", "severity": "'normal'", "status": "'received'", "grade_at_intake": "'C'",
                "customer_id": "NULL", "repeat_of_id": "NULL", "handler_id": "t.handler_id",
                "ack_due_at": f"({received_sql}) + interval '24 hours'",
                "ack_warn_at": f"({received_sql}) + interval '18 hours'",
                "resolve_due_at": f"({received_sql}) + interval '5 days'",
                "original_resolve_due_at": f"({received_sql}) + interval '5 days'",
                "resolve_warn_at": f"({received_sql}) + interval '90 hours'",
                "resolve_started_at": received_sql, "callback_due_at": "NULL", "callback_warn_at": "NULL",
                "ack_breached": "false", "resolve_breached": "false", "callback_breached": "false",
                "acknowledged_at": "NULL", "resolved_at": "NULL", "callback_at": "NULL", "closed_at": "NULL",
                "paused_at": "NULL", "status_before_pause": "''", "resolved_by_id": "NULL", "reopen_count": "0",
                "urge_count": "0", "satisfaction": "''", "verified": "NULL", "utility_responsible": "NULL",
                "resolution": "''", "close_reason": "''", "typical": "false", "version": "1",
                "created_at": received_sql, "updated_at": received_sql,
            }
            cols = [f.column for f in meta.concrete_fields if not f.primary_key]
            exprs = [overrides.get(c, f"t.{qn(c)}") for c in cols]
            with connection.cursor() as cur:
                cur.execute(f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in cols)}) "
                            f"SELECT {', '.join(exprs)} FROM {qn(meta.db_table)} t, generate_series(1, %s) g "
                            f"WHERE t.id = %s", [count, template])

        stamp = at.isoformat()
        with transaction.atomic():
            # received 3 weeks ago, a minute apart: every ack and resolve deadline long overdue (L1-L3 each)
            insert("TB", old, f"'{stamp}'::timestamptz - interval '21 days' + g * interval '1 minute'")
            insert("TF", fresh, f"'{stamp}'::timestamptz - g * interval '1 second'")
            rows = backfill(COMPLAINT, Complaint.objects.filter(Q(number__startswith="TB") | Q(number__startswith="TF")),
                            now=at)
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE clock_deadline")
            cur.execute("VACUUM ANALYZE complaints_complaint")
        # the code compiled to bytecode first, as the image does at build time (Dockerfile): the
        # figure is the sweep's process, not a compiler's (PYTHONDONTWRITEBYTECODE may be set)
        import subprocess

        subprocess.run([sys.executable, "-m", "compileall", "-q", "-x", r"(\.venv|node_modules|tests|bench)/", "."],
                       cwd=settings.BASE_DIR, check=False)
        args = [sys.executable, "manage.py", "enforce_sla", "--now", stamp]
        first, _rss, out = ctx.child(args, timeout=300)
        second, _rss2, out2 = ctx.child(args, timeout=300)
        import json

        log1 = json.loads(out.strip().splitlines()[-1])
        log2 = json.loads(out2.strip().splitlines()[-1])
        print(f"    catch-up: {old:,} overdue + {fresh:,} fresh complaints ({rows:,} deadline rows): "
              f"enforce_sla {first:.2f} s (target < {CATCHUP_S:g} s; {log1['escalations']:,} escalations, sweep "
              f"{log1['duration_ms']:.0f} ms), again {second:.2f} s (target < {CATCHUP_IDLE_S:g} s; "
              f"{log2['escalations']} escalations, sweep {log2['duration_ms']:.0f} ms)",
              flush=True)
        if not rows or not log1["escalations"]:
            raise AssertionError(f"the catch-up wrote {rows} deadline rows and {log1['escalations']} escalations")
        if log2["escalations"]:
            raise AssertionError(f"a second catch-up run wrote {log2['escalations']} escalations")
        return [
            Figure(scenario=self.name, measure=f"catch-up: manage.py enforce_sla, {old:,} complaints overdue for "
                                               f"weeks + {fresh:,} fresh (process start included)", unit="s",
                   samples=[first], target=f"< {CATCHUP_S:g} s", limit=CATCHUP_S, queries=log1.get("queries"),
                   details={"escalations": log1["escalations"], "sweep_ms": log1["duration_ms"]}),
            Figure(scenario=self.name, measure="catch-up: the second run, nothing new (process start included)",
                   unit="s", samples=[second], target=f"< {CATCHUP_IDLE_S:g} s", limit=CATCHUP_IDLE_S,
                   queries=log2.get("queries"), details={"sweep_ms": log2["duration_ms"]}),
        ]

    # --- growth: the same measure at several open counts ----------------------------------------
    def growth(self, ctx) -> list[Figure]:
        from complaints.sweep import enforce_sla

        runs = max(1, min(3, ctx.scale.runs - 1))
        medians, dry = {}, []
        out = []
        for target in sorted(ctx.scale.sweep_growth):
            started = time.perf_counter()
            reached = self.set_open(ctx, target)
            planted = self.plant_crossings(ctx, runs)
            print(f"    reshaped to {reached:,} open in {time.perf_counter() - started:.0f} s; {planted:,} deadlines "
                  f"of this step's open complaints planted ahead", flush=True)
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
            print(f"    growth {lo:,} -> {hi:,} open: median sweep {medians[lo][0]:.3f} -> {medians[hi][0]:.3f} s "
                  f"({ratio:.2f}x), nothing new {medians[lo][1]:.3f} -> {medians[hi][1]:.3f} s ({ratio_idle:.2f}x); "
                  f"target < {FLAT_RATIO:g}x" + (f" (not judged: no crossings at {dry})" if dry else ""), flush=True)
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

    def plant_crossings(self, ctx, runs: int) -> int:
        """Give this growth step crossings of its own, among ITS open complaints.

        The end-of-day scenario moved the nearest `eod_crossings` deadlines to its instant and swept
        them, so at a small open count (10,000) hardly any unbreached deadline was left ahead and
        the step's sweeps crossed nothing: the series compared empty sweeps with real ones. Here
        running deadline rows of the open complaints (the unbreached first, then the nearest;
        enough for every timed sweep of the series, twice over) start a new cycle at level 0, as a
        reopen or a new clock does, due one by one 2 s apart from one hour after the series' `now`
        (rows and complaint columns alike, the complaint's breach flag of that kind cleared). Their
        warning times are `now` at the latest, so the untimed settling sweep takes them to level 1
        and the timed sweeps cross deadlines (level 2): the same work at every step. Returns the
        number of deadlines planted."""
        want = 2 * (runs + 1) * ctx.scale.sweep_crossings
        first = self.now + timedelta(hours=1)
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_step")
            cur.execute("""CREATE TEMP TABLE bench_step AS
                           SELECT id, subject_id, kind, row_number() OVER (ORDER BY breached, due_at, id) AS i FROM (
                               SELECT id, subject_id, kind, due_at, breached FROM clock_deadline
                               WHERE running AND subject_type = 'complaint'
                               ORDER BY breached, due_at, id LIMIT %s) d""", [want])
            cur.execute("UPDATE clock_deadline d SET due_at = %s + s.i * interval '2 seconds', "
                        "warn_at = LEAST(d.warn_at, %s), cycle = d.cycle + 1, level = 0, breached = false, "
                        "updated_at = %s FROM bench_step s WHERE d.id = s.id", [first, self.now, self.now])
            for kind in ("ack", "resolve", "callback", "assign"):
                cur.execute(f"UPDATE complaints_complaint c SET {kind}_due_at = %s + s.i * interval '2 seconds', "
                            f"{kind}_warn_at = LEAST(c.{kind}_warn_at, %s), {kind}_breached = false FROM bench_step s "
                            f"WHERE c.id = s.subject_id AND s.kind = %s", [first, self.now, kind])
            cur.execute("SELECT COUNT(*) FROM bench_step")
            planted = cur.fetchone()[0]
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE clock_deadline")
            cur.execute("VACUUM ANALYZE complaints_complaint")
        return planted

    def _reshaping_tables(self) -> None:
        """Once per run: the work tables of `set_open` and the definitions of the indexes it drops.
        Reshaping rewrites up to 900,000 rows: the complaint (and deadline) indexes that back no
        constraint are dropped before it and built again after it, so every sweep is measured with
        all of the product's indexes in place, as in production."""
        if getattr(self, "index_defs", None) is not None:
            return
        with connection.cursor() as cur:
            cur.execute("CREATE TEMP TABLE bench_parked (id bigint PRIMARY KEY, status varchar(20))")
            cur.execute("CREATE TEMP TABLE bench_touched (id bigint PRIMARY KEY)")
            cur.execute("""
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.tablename IN ('complaints_complaint', 'clock_deadline') AND i.schemaname = current_schema()
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""")
            self.index_defs = cur.fetchall()

    def set_open(self, ctx, target: int) -> int:
        """Make `target` complaints open: park (close) surplus open ones, bring parked ones back,
        and beyond that reopen closed ones with a new resolve clock (as a reopen does)."""
        from django.db.models.expressions import RawSQL

        from clock.engine import backfill
        from complaints.lifecycle import COMPLAINT
        from complaints.models import Complaint

        self._reshaping_tables()
        current = open_count()
        with transaction.atomic(), connection.cursor() as cur:
            for name, _definition in self.index_defs:
                cur.execute(f'DROP INDEX IF EXISTS "{name}"')
            cur.execute("TRUNCATE bench_touched")
            if current > target:
                cur.execute("""
                    WITH surplus AS (
                        SELECT id, status FROM complaints_complaint
                        WHERE status IN ('received', 'acknowledged', 'paused', 'resolved')
                        ORDER BY id LIMIT %s)
                    INSERT INTO bench_parked SELECT id, status FROM surplus ON CONFLICT DO NOTHING""",
                            [current - target])
                cur.execute("WITH u AS (UPDATE complaints_complaint c SET status = 'closed' FROM bench_parked p "
                            "WHERE c.id = p.id AND c.status <> 'closed' RETURNING c.id) "
                            "INSERT INTO bench_touched SELECT id FROM u ON CONFLICT DO NOTHING")
            elif current < target:
                cur.execute("SELECT COUNT(*) FROM bench_parked")
                parked = cur.fetchone()[0]
                if parked:
                    cur.execute("""
                        WITH back AS (DELETE FROM bench_parked WHERE id IN (
                            SELECT id FROM bench_parked ORDER BY id DESC LIMIT %s) RETURNING id, status),
                        u AS (UPDATE complaints_complaint c SET status = back.status FROM back WHERE c.id = back.id
                              RETURNING c.id)
                        INSERT INTO bench_touched SELECT id FROM u ON CONFLICT DO NOTHING""",
                                [target - current])
                    current = open_count()
                if current < target:
                    # reopened as each kind's declaration allows: a new resolve clock from now
                    # (acknowledged for the kinds with a first contact, received for the others);
                    # a repair call (no resolve clock: its work order's) repaired again now and
                    # waiting for its callback. Deadlines spread over 1..10 days ahead (to the
                    # second, so crossings arrive one by one), warning at 0.75
                    from complaints.kinds import KINDS

                    acked = [k for k, d in KINDS.items() if "ack" in d.deadlines]
                    no_resolve = [k for k, d in KINDS.items() if "resolve" not in d.deadlines]
                    spread = "(86400 + (id * 7919) %% 777600)"
                    cur.execute(f"""
                        WITH u AS (UPDATE complaints_complaint SET
                            status = CASE WHEN kind = ANY(%s) THEN 'resolved' WHEN kind = ANY(%s) THEN 'acknowledged'
                                          ELSE 'received' END,
                            reopen_count = reopen_count + 1,
                            resolve_started_at = %s,
                            resolve_due_at = CASE WHEN kind = ANY(%s) THEN NULL
                                                  ELSE %s + {spread} * interval '1 second' END,
                            resolve_warn_at = CASE WHEN kind = ANY(%s) THEN NULL
                                                   ELSE %s + {spread} * interval '0.75 second' END,
                            resolve_breached = false,
                            resolved_at = CASE WHEN kind = ANY(%s) THEN %s ELSE resolved_at END,
                            callback_due_at = CASE WHEN kind = ANY(%s) THEN %s + {spread} * interval '1 second' END,
                            callback_warn_at = CASE WHEN kind = ANY(%s) THEN %s + {spread} * interval '0.75 second' END,
                            callback_breached = false, callback_at = NULL,
                            closed_at = NULL
                        WHERE id IN (SELECT id FROM complaints_complaint WHERE status = 'closed'
                                     AND id NOT IN (SELECT id FROM bench_parked) ORDER BY id DESC LIMIT %s)
                        RETURNING id)
                        INSERT INTO bench_touched SELECT id FROM u ON CONFLICT DO NOTHING""",
                                [no_resolve, acked, self.now, no_resolve, self.now, no_resolve, self.now,
                                 no_resolve, self.now, no_resolve, self.now, no_resolve, self.now, target - current])
            # the deadline rows of the rewritten orders (every kind: all_kinds) follow them, set-based (as the services.
            # sync does one by one); a reopened one's new resolve clock is a new cycle at level 0
            backfill(COMPLAINT, Complaint.all_kinds.filter(pk__in=RawSQL("SELECT id FROM bench_touched", [])),
                     now=self.now, update=True)
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for _name, definition in self.index_defs:
                cur.execute(definition)
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE complaints_complaint")
            cur.execute("VACUUM ANALYZE clock_deadline")
        return open_count()

