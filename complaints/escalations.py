"""Escalations: who is told (the fan-out of a sweep), the manager's inbox, and acknowledging.

Recipients (SPEC §4): level 1 -> the handler (or crew leader) and the station head; level 2 ->
also the managers and, for grade A/B customers, the account manager; level 3 -> the leadership
group (each group as core.recipients defines it). One message per recipient per sweep: a recipient with one new escalation gets that one;
with several (500 breaches found at once) gets ONE digest. The dedupe key names the smallest
escalation id in the message, which belongs to exactly one sweep, so a retried or concurrent
sweep can never write a second copy, and two sweeps in the same minute never swallow each other.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import recipients
from core.choices import NotificationChannel
from core.i18n import site_language
from core.timeline import event, record_event, write_events
from customers.selectors import user_station_id
from servicecenter.exceptions import InvalidTransition
from servicecenter.roles import ADMIN, HANDLER, MANAGER, has_role, headed_station_ids, sees_all_stations

from .choices import EscalationLevel
from .display import deadline_label, subject_label
from .models import ComplaintEvent, Escalation

DIGEST_LINES = 30

CHANNELS_BY_LEVEL = {
    1: (NotificationChannel.IN_APP,),
    2: (NotificationChannel.IN_APP, NotificationChannel.EMAIL),
    3: (NotificationChannel.IN_APP, NotificationChannel.EMAIL, NotificationChannel.SMS),
}


def recipients_for(level: int, info, *, managers: set[int], leaders: set[int]) -> set[int]:
    """Who hears of one escalation of `level` about the object described by `info`."""
    if level == EscalationLevel.SEVERE:
        return set(leaders)
    out = {info.owner_id, info.station_head_id}
    if level == EscalationLevel.BREACHED:
        out |= managers
        out.add(info.account_manager_id)
    out.discard(None)
    return out


def _line(source, esc, info) -> str:
    """"[Breached] Complaint TS202603020001 · Acknowledge" (in the site's language)."""
    return (f"[{EscalationLevel(esc.level).label}] {subject_label(source.subject_type)} {info.label} · "
            f"{deadline_label(esc.kind)}")


def notify_escalations(new_by_source: dict, *, now: datetime) -> int:
    """Write the outbox rows for the escalations a sweep has just inserted (one bulk insert).

    `new_by_source`: {source key: (DeadlineSource, [NewEscalation, ...])}. Returns rows written.
    """
    from core.outbox import notify_many

    managers = leaders = None
    per_recipient: dict[int, list] = defaultdict(list)
    for source, rows in new_by_source.values():
        infos = source.describe({e.subject_id for e in rows})
        levels = {e.level for e in rows}
        if managers is None and (2 in levels):
            managers = set(recipients.managers())
        if leaders is None and (3 in levels):
            leaders = set(recipients.leadership())
        for esc in rows:
            info = infos.get(esc.subject_id)
            if info is None:
                continue
            for user_id in recipients_for(esc.level, info, managers=managers or set(), leaders=leaders or set()):
                per_recipient[user_id].append((source, esc, info))

    messages = []
    with site_language():
        for user_id, items in per_recipient.items():
            items.sort(key=lambda t: (-t[1].level, t[1].id))
            top = items[0][1].level
            first_id = min(esc.id for _s, esc, _i in items)
            if len(items) == 1:
                source, esc, info = items[0]
                subject = _line(source, esc, info)
                body = _("Deadline %(due)s. Open it to act or acknowledge the escalation.") % {
                    "due": timezone.localtime(esc.due_at).strftime("%Y-%m-%d %H:%M") if esc.due_at else "-"}
                link = info.link
                kind = f"escalation.L{esc.level}"
            else:
                counts = defaultdict(int)
                for _s, esc, _i in items:
                    counts[esc.level] += 1
                parts = ", ".join(f"{EscalationLevel(level).label} {n}" for level, n in sorted(counts.items(),
                                                                                                 reverse=True))
                subject = _("SLA digest: %(n)d new escalations (%(parts)s)") % {"n": len(items), "parts": parts}
                lines = [_line(s, e, i) for s, e, i in items[:DIGEST_LINES]]
                if len(items) > DIGEST_LINES:
                    lines.append(_("… and %(n)d more in the escalation inbox") % {"n": len(items) - DIGEST_LINES})
                body = "\n".join(lines)
                link = "/escalations/"
                kind = "escalation.digest"
            messages.append({"recipient_id": user_id, "kind": kind, "dedupe_key": f"escalation:{first_id}",
                             "subject": subject, "body": body, "link": link,
                             "urgent": top >= 3 or any(i.urgent for _s, _e, i in items),
                             "channels": CHANNELS_BY_LEVEL[top]})
    return notify_many(messages, now=now)


def notify_escalations_set_based(sources: dict, new: list, *, now: datetime) -> int:
    """`notify_escalations` for PostgreSQL, with no Python per escalation: `fan_out` tells who
    hears of what, Python formats one message per recipient and the outbox gets ONE insert."""
    from core.outbox import notify_many

    messages = []
    with site_language():
        for row in fan_out(sources, new):
            messages.append(_message(row))
    return notify_many(messages, now=now)


@dataclass(frozen=True)
class Told:
    """What one recipient is told of a sweep's new escalations (one row of `fan_out`)."""

    uid: int
    top: int  # the highest level among them
    n: int  # how many
    n1: int
    n2: int
    n3: int
    first_id: int  # the smallest escalation id (the message's dedupe key)
    urgent: bool
    due: datetime | None  # the earliest deadline among them
    link: str  # of the first line's object
    lines: list  # the first DIGEST_LINES, highest level first then by id: [level, subject_type, label, kind]


def fan_out(sources: dict, new: list) -> list[Told]:
    """ONE query joins the new escalations (`new`: the sweep's NewEscalation rows) to what each
    source says of its objects
    (`DeadlineSource.recipients`: a queryset of pk, label, link, owner, head, am, urgent), fans
    them out to their recipients by level (SPEC §4, as `recipients_for`) and aggregates per
    recipient: the top level, the counts, the smallest id, the first DIGEST_LINES lines. The
    managers' (level 2) and the leadership group's (level 3) audiences are aggregated once per
    group, not per member (a group is read only when its level occurs). `sources`:
    {subject_type: DeadlineSource}."""
    from django.db import connection

    levels = {e.level for e in new}
    managers = recipients.managers() if 2 in levels else []
    leaders = recipients.leadership() if 3 in levels else []
    infos, params = [], []
    for subject_type, source in sources.items():
        # per escalation, its object by primary key (a LATERAL lookup): no semi-join of the
        # new rows' ids to hash first, no hash join of the result back to them
        qs = source.recipients().filter(pk=RawSQL("e.subject_id", []))
        sql, p = qs.values("r_label", "r_link", "r_owner", "r_head", "r_am", "r_urgent").query.sql_with_params()
        infos.append(f"SELECT e.*, s.r_label AS label, s.r_link AS link, s.r_owner AS owner, s.r_head AS head, "
                     f"s.r_am AS am, s.r_urgent AS urgent FROM e CROSS JOIN LATERAL ({sql}) s "
                     f"WHERE e.subject_type = %s")
        params += [*p, subject_type]
    # Two kinds of audience (SPEC §4): the object's own people (its owner and station head at
    # levels 1-2, the account manager at level 2) and the two groups, every manager at level 2 and
    # every leader at level 3, who are told of ALL the escalations of their level. The groups'
    # part is the same for each member, so it is aggregated ONCE per group (`grp`, `grp_lines`),
    # not per (member, escalation) pair: the end-of-day instant has ~20,000 level-2 escalations,
    # and five managers made 100,000 of its ~180,000 pairs. Only the own people's pairs are
    # expanded, deduplicated on narrow (recipient, escalation) pairs (a handler who is also the
    # station head is told once; a manager's own level-2 pairs are already in the group's part).
    # Each recipient then gets their own part plus the parts of the groups they belong to, and
    # their first DIGEST_LINES lines come from at most DIGEST_LINES of each part (a window).
    query = f"""
        WITH e AS (SELECT id, subject_type, subject_id, kind, level, due_at FROM complaints_escalation
                   WHERE id = ANY(%s)),
        x AS ({" UNION ALL ".join(infos)}),
        members AS (SELECT m AS uid, 2 AS glevel FROM unnest(%s::bigint[]) AS m
                    UNION SELECT l, 3 FROM unnest(%s::bigint[]) AS l),
        own AS (SELECT DISTINCT uid, id, level, urgent, due_at FROM (
                    SELECT owner AS uid, id, level, urgent, due_at FROM x WHERE level < 3 AND owner IS NOT NULL
                    UNION ALL SELECT head, id, level, urgent, due_at FROM x WHERE level < 3 AND head IS NOT NULL
                    UNION ALL SELECT am, id, level, urgent, due_at FROM x WHERE level = 2 AND am IS NOT NULL) fan
                WHERE NOT EXISTS (SELECT 1 FROM members g WHERE g.uid = fan.uid AND g.glevel = fan.level)),
        grp AS (SELECT level AS glevel, count(*) AS n, min(id) AS first_id, bool_or(urgent) AS urgent,
                       min(due_at) AS due
                FROM x WHERE level IN (SELECT glevel FROM members) GROUP BY level),
        parts AS (SELECT uid, max(level) AS top, count(*) AS n, count(*) FILTER (WHERE level = 1) AS n1,
                         count(*) FILTER (WHERE level = 2) AS n2, count(*) FILTER (WHERE level = 3) AS n3,
                         min(id) AS first_id, bool_or(urgent) AS urgent, min(due_at) AS due
                  FROM own GROUP BY uid
                  UNION ALL
                  SELECT m.uid, g.glevel, g.n, 0, CASE WHEN g.glevel = 2 THEN g.n ELSE 0 END,
                         CASE WHEN g.glevel = 3 THEN g.n ELSE 0 END, g.first_id, g.urgent, g.due
                  FROM members m JOIN grp g ON g.glevel = m.glevel),
        agg AS (SELECT uid, max(top) AS top, sum(n)::bigint AS n, sum(n1)::bigint AS n1, sum(n2)::bigint AS n2,
                       sum(n3)::bigint AS n3,
                       min(first_id) AS first_id, bool_or(urgent) AS urgent, min(due) AS due
                FROM parts GROUP BY uid),
        own_lines AS (SELECT uid, id, level FROM (
                          SELECT uid, id, level, row_number() OVER (PARTITION BY uid ORDER BY level DESC, id) AS rn
                          FROM own) w WHERE rn <= {DIGEST_LINES}),
        grp_lines AS (SELECT id, level FROM (
                          SELECT id, level, row_number() OVER (PARTITION BY level ORDER BY id) AS rn
                          FROM x WHERE level IN (SELECT glevel FROM members)) w WHERE rn <= {DIGEST_LINES}),
        firsts AS (SELECT uid, id, rn FROM (
                       SELECT uid, id, row_number() OVER (PARTITION BY uid ORDER BY level DESC, id) AS rn FROM (
                           SELECT uid, id, level FROM own_lines
                           UNION ALL SELECT m.uid, l.id, l.level FROM members m JOIN grp_lines l
                                     ON l.level = m.glevel) c) w
                   WHERE rn <= {DIGEST_LINES}),
        lines AS (SELECT f.uid, min(x.link) AS link,
                         array_agg(ARRAY[x.level::text, x.subject_type, x.label, x.kind] ORDER BY f.rn) AS lines
                  FROM firsts f JOIN x ON x.id = f.id GROUP BY f.uid)
        SELECT agg.uid, agg.top, agg.n, agg.n1, agg.n2, agg.n3, agg.first_id, agg.urgent, agg.due, lines.link,
               lines.lines
        FROM agg JOIN lines ON lines.uid = agg.uid ORDER BY agg.uid"""
    with connection.cursor() as cur:
        # the new rows are read again by id: handing all their columns over as arrays costs more in
        # the driver's adaptation of 20,000 timestamps than the index scan it saves
        cur.execute(query, [[e.id for e in new], *params, managers, leaders])
        return [Told(uid, int(top), int(n), int(n1), int(n2), int(n3), first_id, bool(urgent), due, link, lines)
                for uid, top, n, n1, n2, n3, first_id, urgent, due, link, lines in cur.fetchall()]


def _message(t: Told) -> dict:
    """The outbox message of one recipient's `Told` (as `notify_escalations` writes it)."""
    if t.n == 1:
        level, subject_type, label, kind = t.lines[0]
        subject = _text_line(int(level), subject_type, label, kind)
        body = _("Deadline %(due)s. Open it to act or acknowledge the escalation.") % {
            "due": timezone.localtime(t.due).strftime("%Y-%m-%d %H:%M") if t.due else "-"}
        link = t.link
        kind_name = f"escalation.L{level}"
    else:
        counts = {1: t.n1, 2: t.n2, 3: t.n3}
        parts = ", ".join(f"{EscalationLevel(level).label} {c}" for level, c in sorted(counts.items(),
                                                                                       reverse=True) if c)
        subject = _("SLA digest: %(n)d new escalations (%(parts)s)") % {"n": t.n, "parts": parts}
        text = [_text_line(int(lv), st, lb, kd) for lv, st, lb, kd in t.lines]
        if t.n > DIGEST_LINES:
            text.append(_("… and %(n)d more in the escalation inbox") % {"n": t.n - DIGEST_LINES})
        body = "\n".join(text)
        link = "/escalations/"
        kind_name = "escalation.digest"
    return {"recipient_id": t.uid, "kind": kind_name, "dedupe_key": f"escalation:{t.first_id}",
            "subject": subject, "body": body, "link": link, "urgent": t.top >= 3 or t.urgent,
            "channels": CHANNELS_BY_LEVEL[t.top]}


def _text_line(level: int, subject_type: str, label: str, kind: str) -> str:
    """`_line` from plain values (the translated words once per language, level, type and kind:
    a digest of 30 lines for each of ~80 recipients formatted 7,000 lazy translations)."""
    key = (get_language(), level, subject_type, kind)
    words = _WORDS.get(key)
    if words is None:
        words = _WORDS[key] = (str(EscalationLevel(level).label), str(subject_label(subject_type)),
                               str(deadline_label(kind)))
    return f"[{words[0]}] {words[1]} {label} · {words[2]}"


_WORDS: dict[tuple, tuple[str, str, str]] = {}


# --- the inbox ---------------------------------------------------------------------------------

def escalation_list(*, user) -> QuerySet[Escalation]:
    """Escalations a user may see: managers/admins all; a station head the stations they head;
    handlers their station's (read only); others none."""
    qs = Escalation.objects.select_related("station", "complaint", "acknowledged_by")
    if sees_all_stations(user):
        return qs
    cond = Q(pk__in=[])
    if has_role(user, HANDLER):
        station_id = user_station_id(user)
        if station_id:
            cond |= Q(station_id=station_id)
    headed = headed_station_ids(user)
    if headed:
        cond |= Q(station_id__in=headed)
    return qs.filter(cond)


def can_acknowledge(user, station_id: int | None = None) -> bool:
    """Managers and admins acknowledge any escalation; a station head their station's
    (`station_id=None`: may this user acknowledge any at all)."""
    if has_role(user, MANAGER, ADMIN):
        return True
    headed = headed_station_ids(user)
    return bool(headed) and (station_id is None or station_id in headed)


# One late deadline = one (subject, deadline kind, cycle); its levels are rows of Escalation.
GROUP_FIELDS = ("subject_type", "subject_id", "kind", "cycle")


def _same_group(prefix: str = "") -> dict:
    return {f: OuterRef(f"{prefix}{f}") for f in GROUP_FIELDS}


def escalation_top_list(*, user) -> QuerySet[Escalation]:
    """One row per late deadline at its highest level (the inbox): the escalations of the
    user's scope with no higher level for the same deadline. The NOT EXISTS walks the unique
    index complaints_escalation_unique_level (subject, kind, cycle, level). Each row carries
    `first_raised_at` (when the deadline first escalated) and `levels` (how many it reached)."""
    same = Escalation.objects.filter(**_same_group()).order_by()
    first = same.order_by("created_at").values("created_at")[:1]
    count = same.values("kind").annotate(n=Count("id")).values("n")[:1]
    return (escalation_list(user=user).filter(top_level_condition())
            .annotate(first_raised_at=Subquery(first), levels=Subquery(count)))


def top_level_condition():
    """An escalation with no higher level for the same deadline (subject, kind, cycle)."""
    return ~Exists(Escalation.objects.filter(**_same_group(), level__gt=OuterRef("level")).order_by())


@transaction.atomic
def escalation_acknowledge_many(*, user, ids, note: str = "") -> dict:
    """Acknowledge the late deadlines the escalations `ids` belong to: every level of each, at
    once, by `user`; each deadline once (rows acknowledged already are left as they were, and a
    second call acknowledges nothing). Every id must be in the user's scope and theirs to
    acknowledge, else 404 (ids do not leak). One complaint timeline event per deadline acknowledged.

    Returns {"deadlines": deadlines acknowledged now, "escalations": rows acknowledged now}.
    """
    ids = sorted({int(i) for i in ids})
    picked = list(escalation_list(user=user).filter(pk__in=ids).order_by()
                  .values("pk", "station_id", *GROUP_FIELDS))
    if len(picked) != len(ids) or not all(can_acknowledge(user, p["station_id"]) for p in picked):
        raise Http404
    groups = Q(pk__in=[])
    for p in picked:
        groups |= Q(**{f: p[f] for f in GROUP_FIELDS})
    # FOR UPDATE: a concurrent acknowledgement waits, then finds these rows acknowledged
    rows = list(Escalation.objects.filter(groups, acknowledged_at__isnull=True).select_for_update()
                .order_by("pk").values("pk", "complaint_id", "level", *GROUP_FIELDS))
    if not rows:
        return {"deadlines": 0, "escalations": 0}
    now = timezone.now()
    changed = Escalation.objects.filter(pk__in=[r["pk"] for r in rows], acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by_id=user.pk, updated_at=now)
    per_deadline: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        per_deadline[tuple(r[f] for f in GROUP_FIELDS)].append(r)
    write_events(ComplaintEvent, [
        event(ComplaintEvent, complaint_id=items[0]["complaint_id"], at=now, by=user, kind="escalation_acknowledged",
              note=note, data={"escalations": [r["pk"] for r in items], "deadline": key[2],
                               "level": max(r["level"] for r in items)})
        for key, items in per_deadline.items() if items[0]["complaint_id"]])
    return {"deadlines": len(per_deadline), "escalations": changed}


def subject_refs(escalations) -> dict[tuple[str, int], tuple[str, str]]:
    """{(subject_type, id): (number, link)} for a page of escalations: complaints through the
    selected FK, other subjects through their deadline source's `describe` (one query each)."""
    from .sweep import sources

    out = {}
    wanted = defaultdict(set)
    for esc in escalations:
        if esc.complaint_id and esc.complaint is not None:
            from .kinds import order_url

            out[(esc.subject_type, esc.subject_id)] = (esc.complaint.number, order_url(esc.complaint))
        else:
            wanted[esc.subject_type].add(esc.subject_id)
    for subject_type, ids in wanted.items():
        source = next((s for s in sources() if s.subject_type == subject_type), None)
        if source is None:
            continue
        for pk, info in source.describe(ids).items():
            out[(subject_type, pk)] = (info.label, info.link)
    return out


@transaction.atomic
def escalation_acknowledge(*, escalation: Escalation, by, note: str = "") -> Escalation:
    """A manager (or the station's handler) takes note of an escalation. Guarded: the first
    acknowledgement wins; acknowledging again answers 409."""
    now = timezone.now()
    changed = Escalation.objects.filter(pk=escalation.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=by, updated_at=now)
    if not changed:
        raise InvalidTransition(_("This escalation was already acknowledged."), status="acknowledged",
                                allowed=[])
    escalation.refresh_from_db()
    if escalation.complaint_id:
        record_event(
            ComplaintEvent, complaint_id=escalation.complaint_id, at=now, by=by, kind="escalation_acknowledged", note=note,
            data={"escalation": escalation.pk, "deadline": escalation.kind, "level": escalation.level})
    return escalation


def open_filter() -> Q:
    return Q(acknowledged_at__isnull=True)
