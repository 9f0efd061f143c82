"""`python -m bench`: build the bench database, load the data set, run the scenarios, report.

Exit status: 0 when every scenario ran (whether or not it met its target: a missed target is
printed as FAIL beside the figure), 1 when a scenario errored, 2 when the set-up failed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from . import db
from .report import ERROR, SKIPPED, Figure, errored, table, write_json
from .scales import SCALES

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", choices=sorted(SCALES), default=os.environ.get("BENCH_SCALE") or "full",
                   help="data-set size (default: full, or $BENCH_SCALE)")
    p.add_argument("--seed", type=int, default=int(os.environ.get("BENCH_SEED", "20261125")))
    p.add_argument("--anchor", help="ISO time the data set is placed before (default: now, to the minute)")
    p.add_argument("--database-url", help="bench database (default: $BENCH_DATABASE_URL, else "
                                          "servicecenter_bench on $DATABASE_URL's server or 127.0.0.1)")
    p.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    p.add_argument("--reuse", action="store_true",
                   help="reuse a database kept with --keep (same scale): skip loading the data set")
    p.add_argument("--only", help="comma-separated scenario names (see --list)")
    p.add_argument("--runs", type=int, help="repetitions of each timed scenario (default: per scale)")
    p.add_argument("--results-dir", default=str(ROOT / "bench" / "results"))
    p.add_argument("--no-results", action="store_true", help="do not write the JSON results file")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument("--list", action="store_true", help="list the scenarios and exit")
    return p.parse_args(argv)


def machine() -> dict:
    info = {"nproc": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    try:
        with open("/proc/meminfo") as fh:
            kb = int(fh.readline().split()[1])
        info["memory_gib"] = round(kb / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        info["cpu"] = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                           if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return info


def git_commit() -> str:
    """HEAD, with "+dirty" when tracked files have uncommitted changes (they are measured too)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return head + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return ""


def _say(msg: str) -> None:
    print(msg, flush=True)


def _terminate(signum, frame):
    # SIGTERM (a timeout, kill): unwind, so each scenario's `finally` stops its gunicorn
    raise SystemExit(128 + signum)


def main(argv=None) -> int:  # noqa: C901 - the run, step by step
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    from .scenarios import SCENARIOS

    if args.list:
        for s in SCENARIOS:
            _say(f"{s.name:<14} {s.title}")
        return 0
    scale = SCALES[args.scale]
    if args.runs:
        from dataclasses import replace

        scale = replace(scale, runs=args.runs)
    wanted = {n.strip() for n in args.only.split(",")} if args.only else None
    if wanted and (unknown := wanted - {s.name for s in SCENARIOS}):
        _say(f"unknown scenario(s): {', '.join(sorted(unknown))} (see --list)")
        return 2
    url = db.bench_database_url(args.database_url)
    anchor = datetime.fromisoformat(args.anchor) if args.anchor else datetime.now(UTC)
    if anchor.tzinfo is None:
        anchor = anchor.replace(tzinfo=UTC)
    var_dir = tempfile.mkdtemp(prefix="servicecenter-bench-")
    env = db.child_env(url, var_dir)
    started = time.perf_counter()
    commit = git_commit()  # the code measured (taken now: the tree may move during a long run)
    phases: dict[str, float] = {}
    _say(f"bench: scale={scale.name} seed={args.seed} database={db.db_name(url)} anchor={anchor:%Y-%m-%d %H:%M}Z")

    # --- database and data set -----------------------------------------------------------------
    try:
        reuse = args.reuse and db.database_exists(url)
        if not reuse:
            t = time.perf_counter()
            db.create_database(url)
            phases["create_database"] = time.perf_counter() - t
        phases["migrate"] = db.migrate(env)
        _say(f"bench: migrated in {phases['migrate']:.1f} s")
        # this process talks to the bench database from here on, with the same settings as the
        # children (DEBUG off: no query log growing in memory, production code paths)
        for key in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "VAR_DIR", "LOG_LEVEL",
                    "DJANGO_SETTINGS_MODULE"):
            os.environ[key] = env[key]
        os.environ.pop("CELERY_BROKER_URL", None)
        if "CELERY_BROKER_URL" in env:
            os.environ["CELERY_BROKER_URL"] = env["CELERY_BROKER_URL"]
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from .context import Context, load_dataset, save_dataset
        from .datagen import generate

        ds = load_dataset(scale.name) if reuse else None
        if ds is None:
            if reuse:
                _say("bench: nothing to reuse (no data set of this scale): loading it")
            t = time.perf_counter()
            ds = generate(scale, args.seed, anchor, progress=not args.no_progress)
            save_dataset(ds)
            phases["data"] = time.perf_counter() - t
            _say(f"bench: data set loaded in {phases['data']:.1f} s: "
                 + ", ".join(f"{k}={v:,}" for k, v in ds.counts.items()))
    except Exception:
        traceback.print_exc()
        _say("bench: SET-UP FAILED")
        shutil.rmtree(var_dir, ignore_errors=True)
        if not args.keep:
            try:
                db.drop_database(url)
            except Exception:  # noqa: BLE001 - best effort
                pass
        return 2

    ctx = Context(scale=scale, ds=ds, url=url, env=env, var_dir=var_dir, progress=not args.no_progress)
    figures: list[Figure] = []
    for scenario in SCENARIOS:
        if wanted and scenario.name not in wanted:
            continue
        _say(f"\n=== {scenario.name}: {scenario.title}")
        t = time.perf_counter()
        load_before = os.getloadavg()[0]
        missing = scenario.missing()
        if missing:
            result = [Figure(scenario=scenario.name, measure="-", unit="", status=SKIPPED,
                             note=f"SKIPPED: {missing} not built yet")]
        else:
            try:
                result = scenario.run(ctx)
            except Exception as exc:  # a scenario that breaks is reported and makes the run fail
                traceback.print_exc()
                result = [errored(scenario.name, exc)]
            finally:
                ctx.cleanup()
        for f in result:
            f.finish()
            _say(f"    {f.measure}: {f.value if f.value is not None else '-'} {f.unit}  target {f.target or '-'}"
                 f"  -> {f.status} {f.note}")
        for f in result:  # other work on the machine moves every figure: keep the load beside them
            f.details.setdefault("loadavg_1min", [round(load_before, 2), round(os.getloadavg()[0], 2)])
        figures += result
        phases[f"scenario:{scenario.name}"] = time.perf_counter() - t

    total = time.perf_counter() - started
    _say("\n" + table(figures))
    _say(f"\nbench: total {total:.0f} s (scale {scale.name}); load average now "
         + " ".join(f"{x:.1f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores")
    now = datetime.now(UTC)
    payload = {
        "date": f"{now:%Y-%m-%d}", "finished_at": now.isoformat(timespec="seconds"), "scale": scale.name,
        "commit": commit,
        "machine": machine() | {"postgresql": ctx.pg_version(), "loadavg_at_end": os.getloadavg()},
        "dataset": ds.as_dict(), "phases_seconds": {k: round(v, 2) for k, v in phases.items()},
        "total_seconds": round(total, 1), "figures": [f.as_dict() for f in figures],
    }
    if not args.no_results:
        name = f"{now:%Y-%m-%d}.json" if scale.name == "full" else f"{now:%Y-%m-%d}-{scale.name}.json"
        path = write_json(Path(args.results_dir) / name, payload)
        _say(f"bench: results written to {path}")

    from django.db import connections

    connections.close_all()
    shutil.rmtree(var_dir, ignore_errors=True)
    if not args.keep:
        db.drop_database(url)
        _say(f"bench: dropped {db.db_name(url)}")
    errors = [f for f in figures if f.status == ERROR]
    if errors:
        _say(f"bench: {len(errors)} scenario(s) ERRORED: " + ", ".join(f.scenario for f in errors))
        return 1
    return 0
