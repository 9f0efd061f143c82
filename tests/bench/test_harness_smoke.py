"""The benchmark harness runs end to end at its smallest scale, so it cannot rot.

It needs PostgreSQL (COPY, its own database): skipped on SQLite, required in CI. Figures are not
judged here (a loaded test machine is no benchmark); a scenario that errors fails the test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCENARIOS = {"list", "ticket_list", "summary", "grading", "intake", "crew", "sweep", "outages"}


def _bench_url() -> str:
    """A database of its own on the test server, so a `make bench` running beside it is left alone."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = f"{parts.path.lstrip('/') or 'servicecenter'}_bench_smoke_{os.getpid()}"
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


@pytest.mark.postgres
def test_harness_runs_every_scenario_at_tiny_scale(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--scale", "tiny", "--database-url", _bench_url(),
         "--results-dir", str(tmp_path), "--no-progress"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-6000:]
    results = list(tmp_path.glob("*-tiny.json"))
    assert len(results) == 1, output[-3000:]
    data = json.loads(results[0].read_text())
    assert data["scale"] == "tiny"
    counts = data["dataset"]["counts"]
    assert counts["orders"] == 6000
    # every kind of order is in the data set, repair calls the most, each with its work order
    kinds = {k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("orders:")}
    assert set(kinds) == {"repair", "enquiry", "service", "complaint", "opinion", "report", "suggestion", "praise"}
    assert max(kinds, key=kinds.get) == "repair" and counts["complaints"] == kinds["complaint"]
    assert 0 < counts["work_orders_from_repair_calls"] <= kinds["repair"]
    figures = data["figures"]
    assert {f["scenario"] for f in figures} == SCENARIOS
    assert all(f["status"] in {"OK", "FAIL", "SKIPPED", "INFO"} for f in figures), figures
    # the table is printed with the target beside each figure
    assert "verdict" in proc.stdout and "target" in proc.stdout


def test_harness_lists_its_scenarios():
    proc = subprocess.run([sys.executable, "-m", "bench", "--list"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert {line.split()[0] for line in proc.stdout.splitlines() if line.strip()} == SCENARIOS
