"""What a scenario gets: the scale, the data set, the bench database, and helpers to time code,
count its queries, start gunicorn and run a child process with its peak memory."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .datagen import DataSet
from .scales import Scale

ROOT = Path(__file__).resolve().parent.parent


def save_dataset(ds: DataSet) -> None:
    """Remember what was generated (for --reuse of a database kept with --keep)."""
    payload = {"scale": ds.scale, "seed": ds.seed, "anchor": ds.anchor.isoformat(), "stations": ds.stations,
               "users": ds.users, "crews": ds.crews, "counts": ds.counts, "timings": ds.timings,
               "grade_period": ds.grade_period}
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_dataset (scale text PRIMARY KEY, payload jsonb NOT NULL)")
        cur.execute("DELETE FROM bench_dataset")
        cur.execute("INSERT INTO bench_dataset VALUES (%s, %s)", [ds.scale, json.dumps(payload)])


def load_dataset(scale: str) -> DataSet | None:
    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass('bench_dataset')")
        if cur.fetchone()[0] is None:
            return None
        cur.execute("SELECT payload FROM bench_dataset WHERE scale = %s", [scale])
        row = cur.fetchone()
    if not row:
        return None
    p = row[0] if isinstance(row[0], dict) else json.loads(row[0])
    ds = DataSet(scale=p["scale"], seed=p["seed"], anchor=datetime.fromisoformat(p["anchor"]))
    ds.stations, ds.users, ds.crews = p["stations"], p["users"], p["crews"]
    ds.counts, ds.timings, ds.grade_period = p["counts"], {}, p["grade_period"]
    return ds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Timed:
    seconds: float
    queries: int
    result: object = None
    # (seconds, SQL) of each statement, the slowest first (CaptureQueriesContext's timings)
    statements: list = field(default_factory=list)

    def slowest(self, n: int = 6, width: int = 90) -> str:
        """The n slowest statements, one line each: where a timed call spends its time."""
        return "\n".join(f"      {t * 1000:8.1f} ms  {' '.join(sql.split())[:width]}" for t, sql in self.statements[:n])


@dataclass
class Context:
    scale: Scale
    ds: DataSet
    url: str
    env: dict
    var_dir: str
    progress: bool = True
    _procs: list = field(default_factory=list)

    # --- in-process measurements ------------------------------------------------------------
    @contextmanager
    def like_a_web_worker(self) -> Iterator[None]:
        """In-process requests with a gunicorn worker's garbage collection (servicecenter/wsgi.py,
        servicecenter/gcfreeze.py): what this process holds when the scenario starts is frozen
        out of the full collections, and again after its first requests (the worker's warm-up),
        for the scenario only."""
        from servicecenter import gcfreeze

        receiver = gcfreeze.install()
        try:
            yield
        finally:
            gcfreeze.uninstall(receiver)

    def timed(self, fn: Callable, *args, **kwargs) -> Timed:
        """Run fn once: wall seconds and the number of SQL queries it issued."""
        with CaptureQueriesContext(connection) as q:
            started = time.perf_counter()
            result = fn(*args, **kwargs)
            seconds = time.perf_counter() - started
        statements = sorted(((float(c["time"]), c["sql"]) for c in q.captured_queries), reverse=True)
        return Timed(seconds=seconds, queries=len(q), result=result, statements=statements)

    def pg_version(self) -> str:
        try:
            with connection.cursor() as cur:
                cur.execute("SHOW server_version")
                return cur.fetchone()[0]
        except Exception:  # noqa: BLE001 - informational
            return ""

    def sql(self, statement: str, params=None):
        with connection.cursor() as cur:
            cur.execute(statement, params or [])
            return cur.fetchall() if cur.description else cur.rowcount

    def users(self, role: str) -> list[dict]:
        return self.ds.users.get(role, [])

    # --- child processes ----------------------------------------------------------------------
    def gunicorn(self, workers: int = 4, threads: int = 1) -> str:
        """Start gunicorn on a free loopback port against the bench database; returns its base URL."""
        port = free_port()
        cmd = [sys.executable, "-m", "gunicorn", "servicecenter.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--threads", str(threads), "--worker-class",
               "gthread" if threads > 1 else "sync", "--backlog", "2048", "--timeout", "60",
               "--log-level", "warning", "--keep-alive", "5"]
        log = open(Path(self.var_dir) / f"gunicorn-{port}.log", "w")  # noqa: SIM115 - closed in cleanup
        proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self._procs.append((proc, log))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.returncode}: "
                                   + (Path(self.var_dir) / f"gunicorn-{port}.log").read_text()[-2000:])
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start within 60 s")
        self._warm(base, workers * threads)
        return base

    def _warm(self, base: str, n: int) -> None:
        """A few requests so every worker has imported the project before the clock starts."""
        import http.client
        from urllib.parse import urlsplit

        u = urlsplit(base)
        for _ in range(n * 3):
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
            try:
                conn.request("GET", "/healthz/")
                conn.getresponse().read()
            finally:
                conn.close()

    def loadgen(self, spec: dict, timeout: float) -> dict:
        """Run the load generator (bench/loadgen.py) in a second process; returns its JSON report."""
        proc = subprocess.run([sys.executable, "-m", "bench.loadgen"], input=json.dumps(spec), cwd=ROOT,
                              env=self.env, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"load generator failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def child(self, args: list[str], timeout: float) -> tuple[float, float, str]:
        """Run a child process; returns (wall seconds, peak RSS in MB, output)."""
        started = time.perf_counter()
        proc = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)
        out_chunks = []
        # read output while waiting (a full pipe would stall the child)
        import threading

        reader = threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()), daemon=True)
        reader.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        reader.join(timeout)
        out = "".join(out_chunks)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(args[-3:])} exited with {proc.returncode}:\n{out[-3000:]}")
        return seconds, usage.ru_maxrss / 1024, out  # ru_maxrss is in KiB on Linux

    def cleanup(self) -> None:
        for proc, log in self._procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            log.close()
        self._procs.clear()
        connection.close()
