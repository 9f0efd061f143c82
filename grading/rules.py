"""Pure grading and visit rules (SPEC §6): plain data in, plain data out; no ORM, `today` passed in.

The run (services.py) feeds these functions one customer at a time; the tests drive them with
tables of cases and hypothesis.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from datetime import date

A, B, C = "A", "B", "C"
GRADES = (A, B, C)
_LEVEL = {A: 3, B: 2, C: 1}

RANKING, SCORECARD = "ranking", "scorecard"


def grade_level(grade: str) -> int:
    return _LEVEL[grade]


def higher(a: str, b: str) -> str:
    return a if _LEVEL[a] >= _LEVEL[b] else b


@dataclass(frozen=True)
class PolicyParams:
    """The parameters of a grading policy; a run stores them as its snapshot."""

    kind: str = RANKING
    top_a: int = 10
    top_b: int = 50
    attribute_rules: bool = True
    hysteresis_runs: int = 2
    # scorecard (DOMAIN.md): (history × w + forecast × w) × bonus, then bands
    history_weight: float = 0.5
    forecast_weight: float = 0.5
    bonus_factor: float = 1.05
    band_a: float = 85.0
    band_b: float = 60.0

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> PolicyParams:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(frozen=True)
class Flags:
    """A customer's supply flags, as the attribute rules read them."""

    dual_power_supply: bool = False
    dual_circuit: bool = False
    important_level: str = "none"
    has_pv: bool = False
    has_ev_charging: bool = False


def attribute_grade(flags: Flags) -> tuple[str, list[str]]:
    """The grade the supply flags alone give, with the reasons (every flag that applies)."""
    a_reasons = []
    if flags.dual_power_supply:
        a_reasons.append("dual_power_supply")
    if flags.important_level in ("special", "first"):
        a_reasons.append(f"important_level:{flags.important_level}")
    if a_reasons:
        return A, a_reasons
    b_reasons = []
    if flags.dual_circuit:
        b_reasons.append("dual_circuit")
    if flags.important_level == "second":
        b_reasons.append("important_level:second")
    if flags.has_pv:
        b_reasons.append("has_pv")
    if flags.has_ev_charging:
        b_reasons.append("has_ev_charging")
    if b_reasons:
        return B, b_reasons
    return C, []


def _combine(value_grade: str, value_reasons: list[str], flags: Flags, params: PolicyParams):
    if not params.attribute_rules:
        return value_grade, value_reasons
    attr_grade, attr_reasons = attribute_grade(flags)
    if _LEVEL[attr_grade] > _LEVEL[value_grade]:
        return attr_grade, attr_reasons + value_reasons
    if attr_grade == value_grade and value_grade != C:
        return value_grade, value_reasons + attr_reasons
    return value_grade, value_reasons


def ranking_grade(*, rank: int | None, flags: Flags, params: PolicyParams) -> tuple[str, list[str]]:
    """Default policy: rank ≤ top_a → A, ≤ top_b → B (rank is None when not ranked: no positive
    amount), then the attribute rules lift the grade. Reasons are machine-readable."""
    if rank is not None and rank <= params.top_a:
        grade = A
    elif rank is not None and rank <= params.top_b:
        grade = B
    else:
        grade = C
    reasons = [f"rank:{rank}"] if rank is not None else ["no_consumption"]
    return _combine(grade, reasons, flags, params)


def scorecard_score(*, history: float, forecast: float, has_bonus: bool, params: PolicyParams) -> float:
    """(history × w_h + forecast × w_f) × bonus; e.g. (90 × 50% + 70 × 50%) × 1.05 = 84."""
    score = history * params.history_weight + forecast * params.forecast_weight
    if has_bonus:
        score *= params.bonus_factor
    return round(score, 1)


def scorecard_grade(*, history: float, forecast: float, flags: Flags, params: PolicyParams) -> tuple[str, list[str]]:
    """Scorecard policy: scores 0–100 from the station percentiles, bands to grades."""
    has_bonus = attribute_grade(flags)[0] != C
    score = scorecard_score(history=history, forecast=forecast, has_bonus=has_bonus, params=params)
    grade = A if score >= params.band_a else B if score >= params.band_b else C
    return _combine(grade, [f"score:{score:g}"], flags, params)


@dataclass(frozen=True)
class Decision:
    new_grade: str
    held_reason: str = ""  # "", "lock", "hysteresis"

    @property
    def changed(self) -> bool:
        return not self.held_reason


def decide(*, current: str, computed: str, locked: bool, earlier: list[str | None] | None = None,
           hysteresis_runs: int = 2) -> Decision:
    """What the run does with one customer.

    `earlier`: the grades the previous `hysteresis_runs - 1` runs computed for this customer
    when they held a drop back (None where that run did not). Up at once; down only when this
    run and the previous ones all say down, and then only as far as all of them agree.
    A manual grade locked into the future never changes.
    """
    if computed == current:
        return Decision(current)
    if locked:
        return Decision(current, "lock")
    if _LEVEL[computed] > _LEVEL[current]:
        return Decision(computed)
    needed = max(hysteresis_runs - 1, 0)
    earlier = list(earlier or [])[:needed]
    if len(earlier) == needed and all(g is not None and _LEVEL[g] < _LEVEL[current] for g in earlier):
        target = computed
        for g in earlier:
            target = higher(target, g)
        return Decision(target)
    return Decision(current, "hysteresis")


REQUIRED_TIER = {A: "chief", B: "senior"}
_TIER_LEVEL = {"chief": 3, "senior": 2, "standard": 1, "": 0}


def tier_fits(grade: str, tier: str | None) -> bool:
    """A needs a chief account manager, B a senior one (a chief also serves B)."""
    need = REQUIRED_TIER.get(grade)
    if need is None:
        return True
    return _TIER_LEVEL.get(tier or "", 0) >= _TIER_LEVEL[need]


# --- periods ------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def previous_month(today: date) -> date:
    return add_months(today.replace(day=1), -1)


def trailing_window(period: date, months: int = 12) -> tuple[date, date]:
    """First and last period (first days of months) of the trailing window ending with `period`."""
    period = period.replace(day=1)
    return add_months(period, -(months - 1)), period


def parse_period(text: str) -> date:
    """'2026-10' or '2026-10-01' -> date(2026, 10, 1); ValueError otherwise."""
    text = text.strip()
    parts = text.split("-")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        raise ValueError(f"not a period (YYYY-MM): {text!r}")
    return date(int(parts[0]), int(parts[1]), 1)


# --- visits -------------------------------------------------------------------------------

ROUTINE, SAFETY, USAGE_ANALYSIS, QUALITY_REPORT = "routine", "safety", "usage_analysis", "quality_report"
VISIT_KINDS = (ROUTINE, SAFETY, USAGE_ANALYSIS, QUALITY_REPORT)

# Months between visits of each kind, per grade (SPEC §6; DOMAIN.md seed 004).
VISIT_SCHEDULE: dict[str, dict[str, int]] = {
    A: {ROUTINE: 1, SAFETY: 3, USAGE_ANALYSIS: 3, QUALITY_REPORT: 12},
    B: {ROUTINE: 1},
    C: {ROUTINE: 3},
}
REMIND_DAYS = 7


@dataclass(frozen=True)
class VisitDue:
    kind: str
    due: date
    last: date | None

    def state(self, today: date, window_days: int = REMIND_DAYS) -> str:
        """'overdue', 'due_soon' (within the window) or 'ok'."""
        if self.due < today:
            return "overdue"
        if (self.due - today).days <= window_days:
            return "due_soon"
        return "ok"


def visits_due(*, grade: str, last_by_kind: dict[str, date | None], since: date) -> list[VisitDue]:
    """The next due date of each visit the grade is entitled to, earliest first.

    Any visit counts as the routine visit (being on site is a visit); the other kinds need a
    visit of that kind. Never visited: due one interval after `since` (when the customer came
    under this schedule, e.g. its creation date).
    """
    last_any = max((d for d in last_by_kind.values() if d), default=None)
    out = []
    for kind, months in VISIT_SCHEDULE[grade].items():
        last = last_any if kind == ROUTINE else last_by_kind.get(kind)
        out.append(VisitDue(kind, add_months(last or since, months), last))
    return sorted(out, key=lambda v: (v.due, VISIT_KINDS.index(v.kind)))


def next_visit(*, grade: str, last_by_kind: dict[str, date | None], since: date) -> VisitDue:
    return visits_due(grade=grade, last_by_kind=last_by_kind, since=since)[0]
