"""Which recorded version of a configuration row was in force at a moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from complaints.models import SlaPolicy


@dataclass(frozen=True)
class Version:
    number: int  # 1 = as created; +1 per recorded change
    history_id: int
    at: datetime
    by: str  # username, "" when changed by a command or a migration


def version_at(model, pk, at: datetime) -> Version | None:
    """The version of `model` row `pk` in force at `at` (one query), None when none is recorded."""
    rows = list(model.history.filter(id=pk, history_date__lte=at).exclude(history_type="-")
                .order_by("history_date", "history_id").values_list("history_id", "history_date",
                                                                     "history_user__username"))
    if not rows:
        return None
    history_id, date, by = rows[-1]
    return Version(number=len(rows), history_id=history_id, at=date, by=by or "")


def policy_version(complaint) -> Version | None:
    """The version of the SLA policy that set the complaint's deadlines: the policy as it stood
    when the complaint was entered (its targets were copied then; later edits move nothing)."""
    if not complaint.sla_policy_id:
        return None
    return version_at(SlaPolicy, complaint.sla_policy_id, complaint.created_at)
