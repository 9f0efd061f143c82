"""`python -m bench.render bench/results/<date>.json`: the figures of a run as Markdown, for
BENCHMARKS.md."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .report import _fmt


def markdown(payload: dict) -> str:
    m = payload.get("machine", {})
    ds = payload.get("dataset", {})
    lines = [
        f"Run of {payload.get('finished_at', '?')} (commit `{payload.get('commit', '?')}`), scale "
        f"`{payload.get('scale')}`, seed {ds.get('seed')}, total {payload.get('total_seconds', 0):.0f} s "
        f"(data set loaded in {payload.get('phases_seconds', {}).get('data', 0):.0f} s). "
        f"Machine: {m.get('nproc')} cores ({m.get('cpu', '?')}), {m.get('memory_gib')} GiB, "
        f"PostgreSQL {m.get('postgresql', '?')}, Python {m.get('python')}.",
        "",
        "| scenario | measure | figure | median | min | max | runs | queries | target | verdict | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for f in payload.get("figures", []):
        unit = f" {f['unit']}" if f.get("unit") else ""
        value = _fmt(f.get("value"), f.get("unit", "")) + unit if f.get("value") is not None else "-"
        verdict = f"**{f['status']}**" if f["status"] in ("FAIL", "ERROR") else f["status"]
        if f.get("note"):
            verdict += f" {f['note']}"
        la = (f.get("details") or {}).get("loadavg_1min")
        load = f"{la[0]:.1f}→{la[1]:.1f}" if la else "-"
        lines.append(
            f"| {f['scenario']} | {f['measure']} | {value} | {_fmt(f.get('median'), f.get('unit', ''))} | "
            f"{_fmt(f.get('min'), f.get('unit', ''))} | {_fmt(f.get('max'), f.get('unit', ''))} | "
            f"{f.get('runs') or '-'} | {f.get('queries') if f.get('queries') is not None else '-'} | "
            f"{f.get('target') or '-'} | {verdict} | {load} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    print(markdown(json.loads(Path(args[0]).read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
