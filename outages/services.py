"""Writes for outages (SPEC §12): create, start, update the estimate, restore, cancel, link an
order, resolve linked complaints.

Each lifecycle step runs in one transaction, locks the outage row (select_for_update), checks
the state against the declaration (wrong state -> InvalidTransition, 409 with the allowed
actions) and the optional `version` (StaleVersion, 409), changes it, appends an OutageEvent,
keeps the notice deadline's row in step (clock.engine.sync) and writes the customers' SMS.

SMS are written set-based: ONE `INSERT … SELECT … ON CONFLICT DO NOTHING` for the whole scope
(the customers with a phone), under the unique key (outage, customer, message) — a second
dispatcher, a retried request or a repeated call writes nothing more. Delivery is core.delivery's
(the outbox `outages.CustomerSms` is registered in core.registry.outboxes).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clock import engine as clock
from core import recipients
from core.i18n import site_language
from core.numbering import next_number
from core.outbox import enqueue_delivery, notify_many
from core.registry import outage_restored
from core.timeline import event, record_event, write_events
from customers.choices import ImportantLevel
from customers.models import Customer, Line, SupplyStation, TransformerArea
from customers.selectors import user_station_id
from servicecenter.exceptions import DomainError, InvalidTransition, StaleVersion, ValidationFailed
from servicecenter.lib import deadlines

from . import texts
from .choices import FrequentThreshold, LinkSubject, OutageKind, SmsKind
from .choices import OutageAction as A
from .choices import OutageStatus as S
from .lifecycle import NOTICE_HOURS, OUTAGE
from .models import (
    CustomerSms,
    EstimateChange,
    FrequentOutageWarning,
    Outage,
    OutageArea,
    OutageCustomer,
    OutageEvent,
    OutageLine,
    OutageLink,
)
from .selectors import active_outage_for, can_manage

log = logging.getLogger("outages.services")

PREFIX = "TD"  # 停电
FUTURE_TOLERANCE = timedelta(minutes=2)  # clock skew allowed for "not in the future"
WARNING_FRACTION = 0.75
MONTH_THRESHOLD, YEAR_THRESHOLD = 3, 5


class OutagePermissionDenied(DomainError):
    """The user may not act on this station's outages -> 403."""

    status_code = 403
    code = "permission_denied"


# --- helpers -------------------------------------------------------------------------------

def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else deadlines.to_local(moment).isoformat()


def _event(outage: Outage, *, kind: str, by, at: datetime, note: str = "", **data) -> OutageEvent:
    return record_event(OutageEvent, outage=outage, at=at, by=by, kind=kind, note=note, data=data)


def _lock(outage: Outage, action: str, by, version=None) -> Outage:
    """Lock the row, then check the user's station, the version and the declared state."""
    locked = Outage.objects.select_for_update().get(pk=outage.pk)
    if by is not None and not (OUTAGE.may(action, _roles(by)) and can_manage(by, locked)):
        raise OutagePermissionDenied(_("Your role may not do this: %(action)s.") % {"action": A(action).label})
    if version not in (None, ""):
        try:
            version = int(version)
        except (TypeError, ValueError):
            raise ValidationFailed("version", _("Give the version of the outage as a number.")) from None
        if version != locked.version:
            raise StaleVersion(_("The outage was changed by someone else; reload it."),
                               current_version=locked.version, status=locked.status)
    if action not in OUTAGE.allowed(locked.status):
        raise InvalidTransition(
            _("An outage in status “%(status)s” cannot take this action: %(action)s.") % {
                "status": locked.get_status_display(), "action": A(action).label},
            status=locked.status, allowed=OUTAGE.allowed(locked.status))
    return locked


def _roles(user) -> set[str]:
    from servicecenter.roles import user_roles

    return user_roles(user)


def _save(outage: Outage, fields: list[str]) -> None:
    outage.version += 1
    outage.save(update_fields=[*fields, "version", "updated_at"])


def _not_future(value: datetime, field: str, now: datetime) -> None:
    if value > now + FUTURE_TOLERANCE:
        raise ValidationFailed(field, _("This time is in the future."))


def _notice(kind: str, planned_start: datetime | None, *, important: int, now: datetime) -> dict:
    """The notice deadline's columns at creation (outages/lifecycle.py): planned 168 h before the
    planned start; temporary 24 h before it when the scope holds important users; else none. Met
    at once when the notice goes out in time; a late one stays unmet (the sweep breaches it)."""
    hours = NOTICE_HOURS.get(kind)
    if hours is None or planned_start is None or (kind == OutageKind.TEMPORARY and not important):
        return {"notice_due_at": None, "notice_warn_at": None, "notice_met_at": None}
    due = planned_start - timedelta(hours=hours)
    warn = deadlines.warning_at(now, due, WARNING_FRACTION) if due > now else due
    return {"notice_due_at": due, "notice_warn_at": warn, "notice_met_at": now if now <= due else None}


# --- the resolved scope and the SMS, set-based ----------------------------------------------

def _insert_select(table_model, columns: Sequence[str], literals: Sequence, select_qs, picked: Sequence[str]) -> int:
    """`INSERT INTO <table> (<columns>) SELECT <literals>, s.<picked> FROM (<select_qs>) s ON
    CONFLICT DO NOTHING`: one statement, PostgreSQL and SQLite. Returns the rows written."""
    qn = connection.ops.quote_name
    meta = table_model._meta
    cols = ", ".join(qn(meta.get_field(c).column) for c in columns)
    sql, params = select_qs.query.sql_with_params()
    marks = ", ".join(["%s"] * len(literals))
    chosen = ", ".join(f"s.{qn(p)}" for p in picked)
    head = f"{marks}, {chosen}" if literals else chosen
    # `WHERE 1 = 1` keeps SQLite from reading ON CONFLICT as part of the SELECT
    statement = (f"INSERT INTO {qn(meta.db_table)} ({cols}) SELECT {head} FROM ({sql}) AS s WHERE 1 = 1 "
                 f"ON CONFLICT DO NOTHING")
    with connection.cursor() as cur:
        cur.execute(statement, [*literals, *params])
        return max(cur.rowcount, 0)


def _resolve_scope(outage: Outage, line_ids: Iterable[int], area_ids: Iterable[int]) -> int:
    """The outage's customers: those on its lines or in its areas, each once (a customer on a line
    and in one of its areas is one row of the customer table), in ONE INSERT … SELECT."""
    cond = Q(pk__in=[])
    if line_ids:
        cond |= Q(line_id__in=list(line_ids))
    if area_ids:
        cond |= Q(area_id__in=list(area_ids))
    select = (Customer.objects.filter(cond, station_id=outage.station_id).order_by()
              .values(x_customer=F("pk")))
    return _insert_select(OutageCustomer, ["outage", "customer"], [outage.pk], select, ["x_customer"])


AUDIENCE_SCOPE, AUDIENCE_IMPORTANT, AUDIENCE_TOLD = "scope", "important", "told"


def _write_sms(outage: Outage, *, kind: str, key: str, text: str, urgent: bool, now: datetime,
               audience: str = AUDIENCE_SCOPE) -> int:
    """One SMS per customer of the audience with a phone, in ONE INSERT … SELECT … ON CONFLICT DO
    NOTHING (outages_sms_once). `audience`: the whole scope; its important users; or those told of
    the outage already (an announcement row: a change before the power goes off)."""
    if audience == AUDIENCE_TOLD:
        select = (CustomerSms.objects.filter(outage=outage, message_key=SmsKind.ANNOUNCE).order_by()
                  .values(x_customer=F("customer_id"), x_phone=F("phone")))
    else:
        select = OutageCustomer.objects.filter(outage=outage).exclude(customer__phone="")
        if audience == AUDIENCE_IMPORTANT:
            select = select.exclude(customer__important_level=ImportantLevel.NONE)
        select = select.order_by().values(x_customer=F("customer_id"), x_phone=F("customer__phone"))
    stamp = connection.ops.adapt_datetimefield_value(now)
    written = _insert_select(
        CustomerSms,
        ["created_at", "updated_at", "outage", "kind", "message_key", "text", "urgent", "status", "attempts",
         "next_attempt_at", "last_error", "customer", "phone"],
        [stamp, stamp, outage.pk, str(kind), key, text, bool(urgent), "pending", 0, stamp, ""],
        select, ["x_customer", "x_phone"])
    if written:
        enqueue_delivery()  # after commit; the minute run of send_notifications delivers otherwise
    return written


def _times(outage: Outage) -> dict:
    return {"scope": outage.scope_name, "cause": outage.cause}


# --- create --------------------------------------------------------------------------------

def _codes(values) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [v for v in values.replace("，", ",").split(",")]
    return sorted({str(v).strip() for v in values if str(v).strip()})


def outage_create(*, by, kind: str, cause: str, station: SupplyStation | None = None, lines=(), areas=(),
                  planned_start: datetime | None = None, started_at: datetime | None = None,
                  estimated_restore_at: datetime | None = None, work_order=None,
                  now: datetime | None = None) -> Outage:
    """Open an outage (by a dispatcher on /outages/, or an integration through the API, before the
    first call): validate (400 naming the field), draw its number, then in one transaction write
    it, its scope, its resolved customers, the announcement SMS, its notice deadline, its first
    event, and check the frequent-outage thresholds.

    planned / temporary: opened `announced`, `planned_start` required and ahead; fault: opened
    `in_progress` at `started_at` (default now). `lines` / `areas`: codes within the station."""
    now = now or timezone.now()
    if kind not in OutageKind.values:
        raise ValidationFailed("kind", _("Choose planned, temporary or fault."))
    cause = (cause or "").strip()
    if not cause:
        raise ValidationFailed("cause", _("Give the cause of the outage."))
    if station is None:
        station_id = user_station_id(by) if by is not None else None
        station = SupplyStation.objects.filter(pk=station_id).first() if station_id else None
    if station is None:
        raise ValidationFailed("station", _("Choose the station."))
    if by is not None and not can_manage(by, station_id=station.pk):
        raise OutagePermissionDenied(_("You may not open an outage of this station."))
    line_codes, area_codes = _codes(lines), _codes(areas)
    if not line_codes and not area_codes:
        raise ValidationFailed("lines", _("Name at least one line or transformer area (the scope is empty)."))
    found_lines = list(Line.objects.filter(station=station, code__in=line_codes).order_by("code"))
    unknown = sorted(set(line_codes) - {x.code for x in found_lines})
    if unknown:
        raise ValidationFailed("lines", _("Unknown line code(s) in this station: %(codes)s") % {
            "codes": ", ".join(unknown)})
    found_areas = list(TransformerArea.objects.filter(station=station, code__in=area_codes).order_by("code"))
    unknown = sorted(set(area_codes) - {x.code for x in found_areas})
    if unknown:
        raise ValidationFailed("areas", _("Unknown transformer area code(s) in this station: %(codes)s") % {
            "codes": ", ".join(unknown)})
    if kind == OutageKind.FAULT:
        started_at = started_at or now
        _not_future(started_at, "started_at", now)
        start = started_at
    else:
        if planned_start is None:
            raise ValidationFailed("planned_start", _("Give the planned start of a planned or temporary outage."))
        if planned_start <= now:
            raise ValidationFailed("planned_start", _("The planned start has passed."))
        started_at, start = None, planned_start
    if estimated_restore_at is not None:
        if estimated_restore_at <= now:
            raise ValidationFailed("estimated_restore_at", _("The estimated restore time has passed."))
        if estimated_restore_at <= start:
            raise ValidationFailed("estimated_restore_at", _("The estimated restore time is before the start."))
    if work_order is not None and work_order.station_id != station.pk:
        raise ValidationFailed("work_order", _("The work order belongs to another station."))
    number = next_number(prefix=PREFIX, day=timezone.localdate(now))  # its own short transaction
    scope_name = texts.scope_label([x.name for x in found_lines] + [x.name for x in found_areas])
    with transaction.atomic():
        outage = Outage.objects.create(
            number=number, kind=kind, station=station, cause=cause[:200], scope_name=scope_name[:200],
            status=S.IN_PROGRESS if kind == OutageKind.FAULT else S.ANNOUNCED, planned_start=planned_start,
            started_at=started_at, estimated_restore_at=estimated_restore_at, work_order=work_order,
            created_by=by if by is not None and by.pk else None)
        OutageLine.objects.bulk_create([OutageLine(outage=outage, line=x) for x in found_lines])
        OutageArea.objects.bulk_create([OutageArea(outage=outage, area=x) for x in found_areas])
        outage.customers_affected = _resolve_scope(outage, [x.pk for x in found_lines], [x.pk for x in found_areas])
        important = (OutageCustomer.objects.filter(outage=outage)
                     .exclude(customer__important_level=ImportantLevel.NONE).count()
                     if kind == OutageKind.TEMPORARY else 0)
        for name, value in _notice(kind, planned_start, important=important, now=now).items():
            setattr(outage, name, value)
        sms = _announce(outage, now=now)
        outage.announced_at = now if (kind != OutageKind.TEMPORARY or important) else None
        outage.save(update_fields=["customers_affected", "notice_due_at", "notice_warn_at", "notice_met_at",
                                   "announced_at", "updated_at"])
        clock.sync(outage, subject_type=OUTAGE.subject_type, now=now)
        _event(outage, kind="created", by=by, at=now, note=cause, status=outage.status, outage_kind=kind,
               lines=[x.code for x in found_lines], areas=[x.code for x in found_areas],
               customers=outage.customers_affected, sms=sms, planned_start=_iso(planned_start),
               started_at=_iso(started_at), estimated_restore_at=_iso(estimated_restore_at),
               notice_due_at=_iso(outage.notice_due_at), notice_in_time=outage.notice_met_at is not None)
        check_frequent(outage, now=now)
    return outage


def _announce(outage: Outage, *, now: datetime) -> int:
    """The announcement SMS at creation: planned, every customer (waits for quiet hours to end);
    temporary, its important users ahead (the others when it starts); fault, every customer at
    once (urgent)."""
    t = _times(outage)
    if outage.kind == OutageKind.PLANNED:
        text = texts.planned_notice(scope=t["scope"], cause=t["cause"], start=outage.planned_start,
                                    end=outage.estimated_restore_at)
        return _write_sms(outage, kind=SmsKind.ANNOUNCE, key=SmsKind.ANNOUNCE, text=text, urgent=False, now=now)
    if outage.kind == OutageKind.TEMPORARY:
        text = texts.advance_notice(scope=t["scope"], cause=t["cause"], start=outage.planned_start,
                                    end=outage.estimated_restore_at)
        return _write_sms(outage, kind=SmsKind.ANNOUNCE, key=SmsKind.ANNOUNCE, text=text, urgent=False, now=now,
                          audience=AUDIENCE_IMPORTANT)
    text = texts.power_off(scope=t["scope"], cause=t["cause"], start=outage.started_at,
                           end=outage.estimated_restore_at, fault=True)
    return _write_sms(outage, kind=SmsKind.ANNOUNCE, key=SmsKind.ANNOUNCE, text=text, urgent=True, now=now)


# --- lifecycle steps -------------------------------------------------------------------------

@transaction.atomic
def outage_start(*, outage: Outage, by, started_at: datetime | None = None, version=None,
                 now: datetime | None = None) -> Outage:
    """The power went off: in progress from `started_at` (default now). A temporary outage tells
    every customer of its scope now (urgent; its important users were told ahead)."""
    now = now or timezone.now()
    o = _lock(outage, A.START, by, version)
    started_at = started_at or now
    _not_future(started_at, "started_at", now)
    if o.estimated_restore_at is not None and o.estimated_restore_at <= started_at:
        raise ValidationFailed("started_at", _("The start is after the estimated restore time."))
    o.status, o.started_at = S.IN_PROGRESS, started_at
    sms = 0
    if o.kind == OutageKind.TEMPORARY:
        t = _times(o)
        text = texts.power_off(scope=t["scope"], cause=t["cause"], start=started_at, end=o.estimated_restore_at,
                               fault=False)
        sms = _write_sms(o, kind=SmsKind.ANNOUNCE, key=SmsKind.ANNOUNCE, text=text, urgent=True, now=now)
        o.announced_at = o.announced_at or now
    _save(o, ["status", "started_at", "announced_at"])
    clock.sync(o, subject_type=OUTAGE.subject_type, now=now)  # the notice clock stops
    _event(o, kind="started", by=by, at=now, started_at=_iso(started_at), sms=sms)
    return o


@transaction.atomic
def outage_update_estimate(*, outage: Outage, by, estimated_restore_at: datetime, reason: str, version=None,
                           now: datetime | None = None) -> EstimateChange:
    """A new estimated restore time, with its reason: an EstimateChange, an event, and one SMS per
    customer (those already told, before the power is off; the whole scope while it is off)."""
    now = now or timezone.now()
    o = _lock(outage, A.UPDATE_ESTIMATE, by, version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("reason", _("Give the reason for the new estimate."))
    if estimated_restore_at is None:
        raise ValidationFailed("estimated_restore_at", _("Give the new estimated restore time."))
    if estimated_restore_at <= now:
        raise ValidationFailed("estimated_restore_at", _("The estimated restore time has passed."))
    if o.begins_at is not None and estimated_restore_at <= o.begins_at:
        raise ValidationFailed("estimated_restore_at", _("The estimated restore time is before the start."))
    if estimated_restore_at == o.estimated_restore_at:
        raise ValidationFailed("estimated_restore_at", _("This is the current estimate."))
    old = o.estimated_restore_at
    change = EstimateChange.objects.create(outage=o, old=old, new=estimated_restore_at, reason=reason[:500],
                                           by=by if by is not None and by.pk else None, at=now)
    n = EstimateChange.objects.filter(outage=o).count()
    o.estimated_restore_at = estimated_restore_at
    _save(o, ["estimated_restore_at"])
    text = texts.new_estimate(scope=o.scope_name, reason=reason, new=estimated_restore_at, now=now)
    off = o.status == S.IN_PROGRESS
    sms = _write_sms(o, kind=SmsKind.ESTIMATE, key=f"{SmsKind.ESTIMATE}:{n}", text=text, urgent=off, now=now,
                     audience=AUDIENCE_SCOPE if off else AUDIENCE_TOLD)
    _event(o, kind="estimate_changed", by=by, at=now, note=reason, old=_iso(old), new=_iso(estimated_restore_at),
           change=change.pk, sms=sms)
    return change


@transaction.atomic
def outage_restore(*, outage: Outage, by, restored_at: datetime | None = None, result: str = "", version=None,
                   now: datetime | None = None) -> Outage:
    """Power is back: customer-hours, one SMS per customer (urgent), and the loop closed on the
    linked orders (`_close_loop`)."""
    now = now or timezone.now()
    o = _lock(outage, A.RESTORE, by, version)
    restored_at = restored_at or now
    _not_future(restored_at, "restored_at", now)
    if o.started_at is not None and restored_at < o.started_at:
        raise ValidationFailed("restored_at", _("The restore time is before the start of the outage."))
    o.status, o.restored_at, o.result = S.RESTORED, restored_at, (result or "").strip()[:5000]
    hours = Decimal((restored_at - o.started_at).total_seconds()) / Decimal(3600) if o.started_at else Decimal(0)
    o.customer_hours = (Decimal(o.customers_affected) * hours).quantize(Decimal("0.01"))
    _save(o, ["status", "restored_at", "result", "customer_hours"])
    clock.sync(o, subject_type=OUTAGE.subject_type, now=now)
    sms = _write_sms(o, kind=SmsKind.RESTORE, key=SmsKind.RESTORE, text=texts.restored(scope=o.scope_name,
                                                                                       at=restored_at),
                     urgent=True, now=now)
    closed = _close_loop(o, by=by, now=now)
    _event(o, kind="restored", by=by, at=now, note=o.result, restored_at=_iso(restored_at),
           customer_hours=str(o.customer_hours), sms=sms, **closed)
    return o


@transaction.atomic
def outage_cancel(*, outage: Outage, by, reason: str, version=None, now: datetime | None = None) -> Outage:
    """An announced outage will not happen: the customers told of it are told it is cancelled."""
    now = now or timezone.now()
    o = _lock(outage, A.CANCEL, by, version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("reason", _("Give the reason for cancelling."))
    o.status, o.cancelled_at, o.cancel_reason = S.CANCELLED, now, reason[:500]
    _save(o, ["status", "cancelled_at", "cancel_reason"])
    clock.sync(o, subject_type=OUTAGE.subject_type, now=now)
    sms = _write_sms(o, kind=SmsKind.CANCEL, key=SmsKind.CANCEL,
                     text=texts.cancelled(scope=o.scope_name, start=o.planned_start), urgent=False, now=now,
                     audience=AUDIENCE_TOLD)
    _event(o, kind="cancelled", by=by, at=now, note=reason, sms=sms)
    return o


STEPS = {A.START: outage_start, A.RESTORE: outage_restore, A.CANCEL: outage_cancel,
         A.UPDATE_ESTIMATE: outage_update_estimate}


# --- linked orders -----------------------------------------------------------------------------

def link_order(outage: Outage, subject_type: str, subject_id: int, different_fault: bool = False, *, by=None,
               now: datetime | None = None) -> OutageLink:
    """Link an order (a complaint-table order of any kind, or a work order) to the outage; an order
    already linked keeps its first outage (one outage per order: outages_link_one_outage)."""
    if subject_type not in LinkSubject.values:
        raise ValidationFailed("subject_type", _("Link a complaint-table order or a work order."))
    now = now or timezone.now()
    with transaction.atomic():
        link, created = OutageLink.objects.get_or_create(
            subject_type=subject_type, subject_id=int(subject_id),
            defaults={"outage": outage, "linked_at": now, "different_fault": bool(different_fault),
                      "linked_by": by if by is not None and getattr(by, "pk", None) else None})
        if created:
            _event(outage, kind="order_linked", by=by, at=now, subject_type=subject_type, subject_id=int(subject_id),
                   different_fault=bool(different_fault))
    return link


def link_taken_order(*, subject_type: str, subject_id: int, customer, kind: str = "", different_fault: bool = False,
                     by=None, now: datetime | None = None) -> dict | None:
    """core.registry.order_taken: an order just taken for a customer inside an active outage is
    linked to it. Says whether a repair call joins a fault outage (`joins`: no crew of its own) or
    was marked a different fault.

    On PostgreSQL the lookup, the link and its event are ONE call of the function
    `outages_order_taken` (migration 0002: its statements' plans kept for the session): an intake
    inside an outage costs the same round trip as one outside it (the lookup's), and nothing in
    Python that grows with the outage (no model instance: the answer is read from the row).
    Elsewhere (SQLite) the lookup (active_outage_for) and two inserts. The order was just taken in
    this transaction: it has no link yet (no get_or_create's select and savepoint)."""
    if customer is None or getattr(customer, "pk", None) is None:
        return None
    if subject_type not in LinkSubject.values:
        raise ValidationFailed("subject_type", _("Link a complaint-table order or a work order."))
    now = now or timezone.now()
    different_fault = bool(different_fault)
    by_id = getattr(by, "pk", None) if by is not None else None
    data = {"subject_type": subject_type, "subject_id": int(subject_id), "different_fault": different_fault}
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT outage_id, outage_number, outage_kind FROM outages_order_taken(%s, %s, %s, %s, %s, %s, "
                        "%s, %s, %s)", [customer.pk, now, S.IN_PROGRESS, S.ANNOUNCED, subject_type, int(subject_id),
                                        by_id, different_fault, json.dumps(data)])
            row = cur.fetchone()
        if row is None:
            return None
        outage_id, number, outage_kind = row
    else:
        outage = active_outage_for(customer, now=now)
        if outage is None:
            return None
        OutageLink.objects.create(outage=outage, subject_type=subject_type, subject_id=int(subject_id),
                                  linked_at=now, different_fault=different_fault, linked_by_id=by_id)
        _event(outage, kind="order_linked", by=by_id, at=now, **data)
        outage_id, number, outage_kind = outage.pk, outage.number, outage.kind
    joins = outage_kind == OutageKind.FAULT and kind == "repair" and not different_fault
    return {"outage_id": outage_id, "number": number, "joins": joins}


def proposed_reply(outage: Outage) -> str:
    """The reply proposed to the linked complaints at restore (the handler may edit it)."""
    start = timezone.localtime(outage.started_at).strftime("%Y-%m-%d %H:%M") if outage.started_at else "-"
    end = timezone.localtime(outage.restored_at).strftime("%Y-%m-%d %H:%M") if outage.restored_at else "-"
    return (f"您反映的停电问题系{outage.scope_name}{outage.get_kind_display()}（{outage.number}），"
            f"原因：{outage.cause}。停电自{start}起，已于{end}恢复供电。给您带来不便，敬请谅解。")


def _close_loop(outage: Outage, *, by, now: datetime) -> dict:
    """At restore: the registered `outage_restored` handlers close what they own (the order kinds:
    repair calls, enquiries); linked work orders other than the outage's own are completed (crew on
    site) or cancelled (not yet there) with the outage's result; linked complaints left open get
    the restore on their timeline and a proposed reply, for a handler to resolve
    (`resolve_linked_complaints`)."""
    links = list(OutageLink.objects.filter(outage=outage, closed_at__isnull=True).order_by("id"))
    if not links:
        return {"closed": 0, "complaints": 0}
    closed: set[int] = set()
    for key, handler in outage_restored.items():
        try:
            with transaction.atomic():
                closed |= set(handler(outage=outage, links=[x for x in links if x.pk not in closed], by=by,
                                      now=now) or ())
        except Exception:  # noqa: BLE001 - one plug-in's failure must not stop the restore
            log.exception("outage_restored handler %s failed for %s", key, outage.number)
    closed |= _close_work_orders(outage, [x for x in links if x.pk not in closed
                                          and x.subject_type == LinkSubject.WORK_ORDER], by=by, now=now)
    if closed:
        OutageLink.objects.filter(pk__in=closed).update(closed_at=now, updated_at=now)
    complaints = _complaints_restored(outage, [x for x in links if x.pk not in closed
                                               and x.subject_type == LinkSubject.COMPLAINT], by=by, now=now)
    return {"closed": len(closed), "complaints": complaints}


def _close_work_orders(outage: Outage, links: list[OutageLink], *, by, now: datetime) -> set[int]:
    """Linked work orders (not the outage's own repair order: its crew completes it): completed
    when the crew is on site, cancelled before that, with the outage's result."""
    from workorders import services as wo
    from workorders.choices import WorkOrderStatus
    from workorders.lifecycle import OPEN_STATUSES as WO_OPEN
    from workorders.models import WorkOrder

    ids = {x.subject_id: x.pk for x in links if x.subject_id != outage.work_order_id}
    if not ids:
        return set()
    done = set()
    note = _("Closed with outage %(number)s: power restored %(at)s.") % {
        "number": outage.number, "at": timezone.localtime(outage.restored_at).strftime("%Y-%m-%d %H:%M")}
    for order in WorkOrder.objects.select_for_update().filter(pk__in=list(ids)).order_by("pk"):
        try:
            with transaction.atomic():
                if order.status == WorkOrderStatus.ON_SITE:
                    wo.perform("complete", work_order=order, by=by, version=order.version, notes=note, now=now,
                               locked=True)
                elif order.status in WO_OPEN:
                    wo.perform("cancel", work_order=order, by=by, version=order.version, reason=note, now=now,
                               locked=True)
                else:
                    continue
        except DomainError as exc:  # e.g. a role that may not close it: left to the office
            log.info("work order %s not closed with outage %s: %s", order.number, outage.number, exc)
            continue
        done.add(ids[order.pk])
    return done


def _complaints_restored(outage: Outage, links: list[OutageLink], *, by, now: datetime) -> int:
    """The restore on the timeline of each open linked complaint (ONE insert through
    core.timeline) and the proposed reply on their links (ONE update)."""
    from complaints.lifecycle import OPEN_STATUSES
    from complaints.models import Complaint, ComplaintEvent

    if not links:
        return 0
    # the base manager: orders of every kind (complaints, repair calls, enquiries …) share the table
    open_ids = set(Complaint._base_manager.filter(pk__in=[x.subject_id for x in links], status__in=OPEN_STATUSES)
                   .values_list("pk", flat=True))
    if not open_ids:
        return 0
    reply = proposed_reply(outage)
    with site_language():
        note = _("Outage %(number)s restored at %(at)s; a reply is proposed.") % {
            "number": outage.number, "at": timezone.localtime(outage.restored_at).strftime("%Y-%m-%d %H:%M")}
    write_events(ComplaintEvent, [
        event(ComplaintEvent, complaint_id=cid, at=now, by=by, kind="outage_restored", note=note,
              data={"outage": outage.number, "restored_at": _iso(outage.restored_at), "proposed_reply": reply})
        for cid in sorted(open_ids)])
    OutageLink.objects.filter(outage=outage, subject_type=LinkSubject.COMPLAINT,
                              subject_id__in=open_ids).update(proposed_reply=reply, updated_at=now)
    return len(open_ids)


def resolve_linked_complaints(*, outage: Outage, by, complaint_ids: Iterable[int] | None = None,
                              resolution: str = "", verified: bool, utility_responsible: bool) -> list[dict]:
    """Resolve several complaints linked to a restored outage at once, each through the complaint
    resolve service (its own transaction, its own checks: a wrong state or role is reported for
    that complaint, the others go on). A complaint not yet contacted is acknowledged first (the
    reply is the first contact). `resolution`: default the proposed reply. Returns one
    {id, number, ok, detail} per complaint."""
    from complaints import services as cs
    from complaints.choices import AckHow, ComplaintStatus
    from complaints.models import Complaint

    outage = Outage.objects.get(pk=outage.pk)  # its current state
    if outage.status != S.RESTORED:
        raise InvalidTransition(_("Resolve the linked complaints once the power is restored."),
                                status=outage.status, allowed=OUTAGE.allowed(outage.status))
    links = OutageLink.objects.filter(outage=outage, subject_type=LinkSubject.COMPLAINT)
    if complaint_ids is not None:
        links = links.filter(subject_id__in=list(complaint_ids))
    replies = dict(links.values_list("subject_id", "proposed_reply"))
    out = []
    for complaint in Complaint._base_manager.filter(pk__in=list(replies)).order_by("pk"):
        text = (resolution or "").strip() or replies.get(complaint.pk) or proposed_reply(outage)
        try:
            if complaint.status == ComplaintStatus.RECEIVED:
                complaint = cs.complaint_acknowledge(complaint=complaint, by=by, how=AckHow.PHONE,
                                                     note=_("Replied with outage %(number)s.") % {
                                                         "number": outage.number})
            cs.complaint_resolve(complaint=complaint, by=by, resolution=text, verified=verified,
                                 utility_responsible=utility_responsible)
        except DomainError as exc:
            out.append({"id": complaint.pk, "number": complaint.number, "ok": False, "detail": str(exc.message)})
            continue
        out.append({"id": complaint.pk, "number": complaint.number, "ok": True, "detail": ""})
    return out


# --- frequent outages -----------------------------------------------------------------------------

def _month_start(local: datetime) -> datetime:
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def check_frequent(outage: Outage, *, now: datetime | None = None) -> list[FrequentOutageWarning]:
    """At each outage's creation: for each line and transformer area of its scope, the outages
    (not cancelled) of the calendar month of its start (>= 3) and of the 12 months before it
    (>= 5). A new warning row per line or area, threshold and period (ON CONFLICT DO NOTHING under
    the unique constraints) tells its station head and the managers, once. An area counts the
    outages of its own and those of its whole line. Three reads and one insert."""
    now = now or timezone.now()
    begins = outage.begins_at or now
    local = timezone.localtime(begins)
    month_from = _month_start(local)
    month_to = _month_start(month_from + timedelta(days=32))
    year_from = begins - timedelta(days=365)
    period = f"{local:%Y-%m}"
    line_ids = list(OutageLine.objects.filter(outage=outage).values_list("line_id", flat=True))
    areas = list(OutageArea.objects.filter(outage=outage).values_list("area_id", "area__line_id"))
    all_lines = set(line_ids) | {line for _a, line in areas}
    window = Q(outage__started_at__gte=year_from) | Q(outage__started_at__isnull=True,
                                                      outage__planned_start__gte=year_from)
    live = ~Q(outage__status=S.CANCELLED)
    fields = ("outage_id", "outage__started_at", "outage__planned_start")

    def moments(rows):
        return {oid: (started or planned) for oid, started, planned in rows}

    by_line: dict[int, dict] = {}
    for line_id, *row in (OutageLine.objects.filter(window, live, line_id__in=all_lines)
                          .values_list("line_id", *fields)):
        by_line.setdefault(line_id, {}).update(moments([row]))
    by_area: dict[int, dict] = {}
    for area_id, *row in (OutageArea.objects.filter(window, live, area_id__in=[a for a, _l in areas])
                          .values_list("area_id", *fields)):
        by_area.setdefault(area_id, {}).update(moments([row]))
    candidates = [("line", line_id, by_line.get(line_id, {})) for line_id in line_ids]
    candidates += [("area", area_id, {**by_line.get(line_id, {}), **by_area.get(area_id, {})})
                   for area_id, line_id in areas]
    rows = []
    for what, pk, seen in candidates:
        in_month = sum(1 for m in seen.values() if m is not None and month_from <= timezone.localtime(m) < month_to)
        in_year = sum(1 for m in seen.values() if m is not None and year_from <= m <= begins)
        for threshold, count, at_least in ((FrequentThreshold.MONTH, in_month, MONTH_THRESHOLD),
                                           (FrequentThreshold.YEAR, in_year, YEAR_THRESHOLD)):
            if count >= at_least:
                rows.append((what, pk, threshold, count))
    if not rows:
        return []
    return _warn(outage, rows, period=period, now=now)


def _warn(outage: Outage, rows: list[tuple], *, period: str, now: datetime) -> list[FrequentOutageWarning]:
    """ONE `INSERT … VALUES … ON CONFLICT DO NOTHING RETURNING id` of the warnings; only those
    written now notify (a concurrent or later outage of the same period finds them there)."""
    qn = connection.ops.quote_name
    meta = FrequentOutageWarning._meta
    cols = ["created_at", "updated_at", "station", "line", "area", "threshold", "period", "count", "outage"]
    stamp = connection.ops.adapt_datetimefield_value(now)
    values, params = [], []
    for what, pk, threshold, count in rows:
        values.append("(" + ", ".join(["%s"] * len(cols)) + ")")
        params += [stamp, stamp, outage.station_id, pk if what == "line" else None, pk if what == "area" else None,
                   str(threshold), period, count, outage.pk]
    sql = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(meta.get_field(c).column) for c in cols)}) "
           f"VALUES {', '.join(values)} ON CONFLICT DO NOTHING RETURNING {qn('id')}")
    with connection.cursor() as cur:
        cur.execute(sql, params)
        new_ids = [r[0] for r in cur.fetchall()]
    if not new_ids:
        return []
    warnings = list(FrequentOutageWarning.objects.filter(pk__in=new_ids).select_related("line", "area"))
    heads = recipients.station_heads([outage.station_id])
    to = sorted({*recipients.managers(), *([heads[outage.station_id]] if outage.station_id in heads else [])})
    messages = []
    with site_language():
        for w in warnings:
            where = w.line.name if w.line_id else w.area.name
            subject = (_("Frequent outages: %(where)s had %(count)d outages this month") if
                       w.threshold == FrequentThreshold.MONTH else
                       _("Frequent outages: %(where)s had %(count)d outages in 12 months")) % {
                "where": where, "count": w.count}
            messages += [{"recipient_id": uid, "kind": "outage.frequent", "dedupe_key": f"outage-frequent:{w.pk}",
                          "subject": subject, "body": str(w.get_threshold_display()),
                          "link": f"/outages/{outage.number}/"} for uid in to]
    notify_many(messages, now=now)
    record_event(OutageEvent, outage=outage, at=now, by=None, kind="frequent_warning",
                 data={"warnings": [{"line": w.line_id, "area": w.area_id, "threshold": w.threshold,
                                     "period": w.period, "count": w.count} for w in warnings]})
    return warnings


