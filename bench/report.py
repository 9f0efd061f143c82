"""Figures, verdicts, the stdout table and the JSON results file.

A scenario returns one or more `Figure`s. A figure holds the raw samples of one measure (seconds,
requests per second, megabytes ...), the statistic compared with the target, and the verdict:
OK / FAIL (measured, target missed: printed, never hidden) / SKIPPED (the feature is not built
yet) / ERROR (the scenario broke: the harness exits non-zero).
"""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path

OK, FAIL, SKIPPED, ERROR, INFO = "OK", "FAIL", "SKIPPED", "ERROR", "INFO"


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 20 samples is the 19th smallest)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Figure:
    scenario: str
    measure: str  # what is measured, e.g. "POST /api/v1/complaints/ p95"
    unit: str  # "ms", "s", "req/s", "MB", "count"
    samples: list[float] = field(default_factory=list)
    value: float | None = None  # the figure compared with the target (defaults to the median)
    target: str = ""  # human text, e.g. "< 100 ms"
    limit: float | None = None
    higher_is_better: bool = False
    queries: int | None = None  # SQL queries per run (max over runs)
    status: str = ""
    note: str = ""
    details: dict = field(default_factory=dict)

    def finish(self) -> Figure:
        if self.value is None and self.samples:
            self.value = statistics.median(self.samples)
        if not self.status:
            if self.limit is None or self.value is None:
                self.status = INFO
            elif self.higher_is_better:
                self.status = OK if self.value >= self.limit else FAIL
            else:
                self.status = OK if self.value < self.limit else FAIL
        return self

    @property
    def median(self):
        return statistics.median(self.samples) if self.samples else None

    @property
    def minimum(self):
        return min(self.samples) if self.samples else None

    @property
    def maximum(self):
        return max(self.samples) if self.samples else None

    def as_dict(self) -> dict:
        data = asdict(self)
        data.update(median=self.median, min=self.minimum, max=self.maximum, runs=len(self.samples))
        return data


def skipped(scenario: str, feature: str) -> Figure:
    return Figure(scenario=scenario, measure="-", unit="", status=SKIPPED, note=f"SKIPPED: {feature} not built yet")


def errored(scenario: str, exc: BaseException) -> Figure:
    return Figure(scenario=scenario, measure="-", unit="", status=ERROR,
                  note=f"ERROR: {type(exc).__name__}: {exc}"[:300])


def _fmt(value, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if unit in ("count", "rows") or (isinstance(value, int) and not isinstance(value, bool)):
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def table(figures: list[Figure]) -> str:
    """A plain-text table: one line per figure, target and verdict beside the number."""
    head = ["scenario", "measure", "figure", "median", "min", "max", "runs", "queries", "target", "verdict"]
    rows = []
    for f in figures:
        unit = f" {f.unit}" if f.unit else ""
        rows.append([
            f.scenario, f.measure, (_fmt(f.value, f.unit) + unit) if f.value is not None else "-",
            _fmt(f.median, f.unit), _fmt(f.minimum, f.unit), _fmt(f.maximum, f.unit),
            str(len(f.samples)) if f.samples else "-",
            "-" if f.queries is None else str(f.queries), f.target or "-",
            f.status + (f"  {f.note}" if f.note else ""),
        ])
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
    widths[-1] = len(head[-1])  # the verdict column is last and may be long: no padding
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))
    out = [line, "-" * min(len(line) + 20, 160)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(out)


def write_json(path: Path, payload: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
