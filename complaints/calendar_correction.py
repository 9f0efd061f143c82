"""Loading a year's official work calendar (SPEC §4) and correcting the deadlines it changes.

A year the calendar did not hold was filled provisionally (the statutory holidays of the
`holidays` package, no make-up days). When the State Council's notice is out, an administrator
loads the year (from a newer `chinesecalendar`, or a CSV of the notice). Every open deadline
counted in working days that reads a changed day is computed again from its stored start, its
policy's target (copied at intake) and its pause segments; each moved one gets a timeline event
("work calendar corrected") and, when it moved earlier, the handler is told.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from clock import engine as clock
from core.calendar import get_calendar, invalidate_calendar
from core.i18n import site_language
from core.models import WorkCalendarDay
from core.outbox import notify_many
from core.timeline import event, write_events
from servicecenter.exceptions import ValidationFailed
from servicecenter.lib import deadlines

from .choices import EventKind, ExtensionStatus
from .kinds import order_url
from .lifecycle import OPEN_STATUSES
from .models import Complaint, ComplaintEvent, ExtensionRequest, PauseSegment
from .sla import deadline_start, open_deadlines

TRUE = {"1", "true", "yes", "y", "班", "上班", "work", "workday"}
FALSE = {"0", "false", "no", "n", "休", "休息", "off", "holiday"}


def rows_from_csv(text: str, *, year: int) -> list[tuple[date, bool, str]]:
    """(date, is_workday, name) from a CSV of the notice: columns `date` (YYYY-MM-DD),
    `is_workday` (1/0, true/false, 班/休) and optional `name`; every date in `year`."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or not {"date", "is_workday"} <= {f.strip() for f in reader.fieldnames}:
        raise ValidationFailed("file", _("The CSV needs the columns date, is_workday and (optionally) name."))
    rows = []
    for line, row in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        try:
            day = date.fromisoformat(row["date"])
        except ValueError:
            raise ValidationFailed("file", _("Line %(line)s: %(value)s is not a date (YYYY-MM-DD).") % {
                "line": line, "value": row["date"]})
        flag = row["is_workday"].lower()
        if flag not in TRUE | FALSE:
            raise ValidationFailed("file", _("Line %(line)s: is_workday must be 1 or 0 (班 or 休).") % {"line": line})
        if day.year != year:
            raise ValidationFailed("file", _("Line %(line)s: %(day)s is not in %(year)s.") % {
                "line": line, "day": day, "year": year})
        rows.append((day, flag in TRUE, row.get("name", "")[:100]))
    if not rows:
        raise ValidationFailed("file", _("The CSV holds no days."))
    return sorted(rows)


def rows_from_package(year: int) -> list[tuple[date, bool, str]]:
    """The year from the installed `chinesecalendar`, if it knows it."""
    from .seeds import calendar_rows, package_years

    if year not in package_years():
        raise ValidationFailed("year", _("The installed chinesecalendar does not know %(year)s yet: load the "
                                         "State Council's notice as a CSV.") % {"year": year})
    return calendar_rows(year)


def _end(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=deadlines.LOCAL_TZ)


@transaction.atomic
def calendar_load_year(*, year: int, rows: list[tuple[date, bool, str]], by, source: str) -> dict:
    """Replace `year` in the work calendar with the official days and correct the open deadlines
    it changes. Returns {"days": rows written, "changed": days whose status changed, "moved":
    deadlines moved, "earlier": of which earlier}."""
    now = timezone.now()
    old_cal = get_calendar()
    # the configuration history records the replaced days (delete() sends each row's signal) and
    # the loaded ones (bulk_create_with_history: one INSERT for the days, one for their records)
    reason = f"{year} loaded ({source})"
    for day in WorkCalendarDay.objects.filter(date__year=year):
        day._change_reason = reason
        day._history_user = by
        day.delete()
    bulk_create_with_history([WorkCalendarDay(date=d, is_workday=w, name=n, source=source) for d, w, n in rows],
                             WorkCalendarDay, default_user=by, default_change_reason=reason)
    invalidate_calendar()
    new_cal = get_calendar()
    changed = [d for d in (date.fromordinal(o) for o in range(date(year, 1, 1).toordinal(),
                                                               date(year, 12, 31).toordinal() + 1))
               if old_cal.is_workday(d) != new_cal.is_workday(d)]
    result = {"days": len(rows), "changed": len(changed), "moved": 0, "earlier": 0}
    if not changed:
        return result
    first, last = _end(changed[0]).replace(hour=0, minute=0, second=0), _end(changed[-1])
    # open orders of every kind whose clock started before the last changed day and ends after the first
    candidates = list(Complaint.all_kinds.select_for_update().filter(status__in=OPEN_STATUSES, received_at__lte=last)
                      .filter(Q(ack_due_at__gte=first) | Q(resolve_due_at__gte=first) | Q(callback_due_at__gte=first)))
    if not candidates:
        return result
    ids = [c.pk for c in candidates]
    pauses: dict[int, list] = {}
    for cid, start, end in PauseSegment.objects.filter(complaint_id__in=ids).order_by("started_at").values_list(
            "complaint_id", "started_at", "ended_at"):
        pauses.setdefault(cid, []).append((start, end))
    extended = set(ExtensionRequest.objects.filter(complaint_id__in=ids, status=ExtensionStatus.APPROVED)
                   .values_list("complaint_id", flat=True))
    events, messages, changed_rows, clock_moves = [], [], [], {}
    for c in candidates:
        moves = {}
        for kind, due, warn, _flag in open_deadlines(c, now):
            amount, unit = (c.sla_targets or {}).get(kind, [None, None])
            start = deadline_start(c, kind)
            if unit != deadlines.WORKDAYS or due is None or start is None or (kind == "resolve" and c.pk in extended):
                continue  # calendar hours count no days; a manager's extension is a date, not a count
            new_due = deadlines.replay(start, int(amount), unit, new_cal, pauses.get(c.pk, []))
            if new_due == due:
                continue
            setattr(c, f"{kind}_due_at", new_due)
            setattr(c, f"{kind}_warn_at", None if warn is None else warn + (new_due - due))
            moves[f"{kind}_due_at"] = [deadlines.to_local(due).isoformat(), deadlines.to_local(new_due).isoformat()]
            clock_moves.setdefault(c.pk, []).append({
                "kind": kind, "what": "calendar", "old_due_at": due, "new_due_at": new_due, "by": by,
                "old_warn_at": warn, "new_warn_at": getattr(c, f"{kind}_warn_at"),
                "data": {"year": year, "source": source}})
        if not moves:
            continue
        earlier = any(new < old for old, new in moves.values())
        result["moved"] += len(moves)
        result["earlier"] += earlier
        c.version += 1
        changed_rows.append(c)
        with site_language():
            note = _("Work calendar corrected: %(year)s official holidays loaded (%(source)s).") % {
                "year": year, "source": source}
            events.append(event(ComplaintEvent, complaint=c, at=now, by=by, kind=EventKind.CALENDAR_CORRECTED, note=note,
                                data={"year": year, "source": source, "deadlines": moves, "earlier": earlier}))
            if earlier and c.handler_id:
                messages.append({
                    "recipient_id": c.handler_id, "kind": "complaint.calendar_corrected", "urgent": True,
                    "dedupe_key": f"complaint:{c.pk}:calendar:{year}:{c.version}", "link": order_url(c),
                    "subject": _("Complaint %(number)s: the official %(year)s calendar moved a deadline earlier") % {
                        "number": c.number, "year": year}})
    Complaint.all_kinds.bulk_update(changed_rows, ["ack_due_at", "ack_warn_at", "resolve_due_at", "resolve_warn_at",
                                                 "callback_due_at", "callback_warn_at", "version"])
    write_events(ComplaintEvent, events)
    # the deadline rows: moved ones with a line of history each, and every candidate's
    # `provisional` as the new calendar says (a once-a-year correction: one upsert per complaint)
    for c in candidates:
        clock.sync(c, subject_type="complaint", now=now, moves=clock_moves.get(c.pk, ()))
    notify_many(messages, now=now)
    return result
