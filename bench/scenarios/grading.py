"""The monthly grade run for every customer (`manage.py reevaluate_grades`), in a child process
so its wall time and peak memory (the child's own max RSS, from wait4) are measured alone."""

from __future__ import annotations

import sys

from ..report import Figure
from . import Scenario

SECONDS = 30.0
PEAK_MB = 500.0


class GradeRun(Scenario):
    name = "grading"
    title = "monthly grade run for every customer: < 30 s, peak memory < 500 MB"
    feature = "grade run (grading.services.reevaluate_grades)"
    requires = ("grading.services:reevaluate_grades", "grading.management.commands.reevaluate_grades")

    def run(self, ctx) -> list[Figure]:
        seconds, peaks, changes = [], [], []
        for i in range(ctx.scale.grade_runs):
            args = [sys.executable, "manage.py", "reevaluate_grades", "--period", ctx.ds.grade_period,
                    "--no-progress"] + (["--force"] if i else [])
            wall, peak_mb, out = ctx.child(args, timeout=600)
            seconds.append(wall)
            peaks.append(peak_mb)
            changes.append(out.strip().splitlines()[0][:200] if out.strip() else "")
        customers = ctx.ds.counts.get("customers", 0)
        details = {"customers": customers, "period": ctx.ds.grade_period, "output": changes,
                   "note": "first run grades the generated data; later runs are forced re-runs"}
        return [
            Figure(scenario=self.name, measure=f"reevaluate_grades {ctx.ds.grade_period}, {customers:,} customers",
                   unit="s", samples=seconds, value=max(seconds), target=f"< {SECONDS:.0f} s (slowest run)",
                   limit=SECONDS, details=details),
            Figure(scenario=self.name, measure="reevaluate_grades peak RSS (child process)", unit="MB",
                   samples=peaks, value=max(peaks), target=f"< {PEAK_MB:.0f} MB", limit=PEAK_MB),
        ]
