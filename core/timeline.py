"""The one way to write a timeline event (ComplaintEvent, WorkOrderEvent, and the timelines of
the kinds to come): append-only rows of (owner, at, actor, kind, note, data).

    record_event(ComplaintEvent, complaint=c, at=now, by=user, kind="paused", note=reason)
    write_events(ComplaintEvent, [event(ComplaintEvent, complaint=c, at=now, kind="received"), ...])

`write_events` appends many rows in ONE insert (in the order given: the timeline's order for
rows of the same instant). Rows are never updated or deleted (the models refuse it). Notes for
people are written in the site's language (core.i18n.site_language) or, better, kept as data
that pages render in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar

from django.db import models

E = TypeVar("E", bound=models.Model)


def event(model: type[E], *, at: datetime, kind: str, by=None, note: str = "", data: dict | None = None,
          **fields) -> E:
    """An unsaved timeline row: `fields` names its owner (`complaint=`, `work_order_id=`, …) and
    any column of that timeline (`from_status`, `client_at`, …); `by` is the actor (a user, an
    id, or None for the system)."""
    actor = {"actor_id": by} if isinstance(by, int) or by is None else {"actor": by}
    return model(at=at, kind=kind, note=note, data=data or {}, **actor, **fields)


def write_events(model: type[E], events: Iterable[E]) -> list[E]:
    """Append timeline rows in one INSERT."""
    return model.objects.bulk_create(list(events))


def record_event(model: type[E], **kwargs) -> E:
    """Append one timeline row (the arguments of `event`)."""
    return write_events(model, [event(model, **kwargs)])[0]
