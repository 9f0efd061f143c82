"""The outage deadline source of the SLA sweep (complaints/sweep.py), registered at start-up from
`OutagesConfig.ready` so that no lower app imports outages.

`notice` (outages/lifecycle.py) runs while the outage is announced and its notice has not gone out
in time: the sweep warns, breaches and escalates it like any other deadline. Recipients: the
dispatcher who opened it (the "handler" of an outage), the station head, managers at level 2 and
the leadership group at level 3 (SPEC §4). Escalation texts name the outage's number.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import BigIntegerField, BooleanField, CharField, F, Value
from django.db.models.functions import Cast, Concat

from complaints.sweep import DeadlineSource, NewEscalation, SubjectInfo, escalation_event, register
from core.timeline import event, write_events

from .lifecycle import OUTAGE
from .models import Outage, OutageEvent


def describe_outages(ids: Iterable[int]) -> dict[int, SubjectInfo]:
    rows = Outage.objects.filter(pk__in=list(ids)).values_list("pk", "number", "station_id", "created_by_id",
                                                                "station__head_id")
    return {pk: SubjectInfo(label=number, link=f"/outages/{number}/", station_id=station_id, owner_id=owner,
                            station_head_id=head, account_manager_id=None)
            for pk, number, station_id, owner, head in rows}


def record_outage_events(new: list[NewEscalation], now: datetime) -> None:
    write_events(OutageEvent, [event(OutageEvent, outage_id=e.subject_id, at=now, **escalation_event(e)) for e in new])


def outage_recipients():
    """`describe_outages` in SQL (the set-based notifications of PostgreSQL)."""
    return Outage.objects.annotate(
        r_label=F("number"), r_link=Concat(Value("/outages/"), F("number"), Value("/"), output_field=CharField()),
        r_owner=F("created_by_id"), r_head=F("station__head_id"),
        r_am=Cast(Value(None), output_field=BigIntegerField()),  # typed: it meets integers in a UNION
        r_urgent=Value(False, output_field=BooleanField())).order_by()


for _kind in OUTAGE.kinds:
    register(DeadlineSource(subject_type=OUTAGE.subject_type, kind=_kind, describe=describe_outages,
                            record=record_outage_events, events_model=OutageEvent, events_fk="outage_id",
                            recipients=outage_recipients))
