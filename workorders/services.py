"""Writes for crews and work orders. Each runs in one transaction and appends its event.

Every state change is a guarded update (`UPDATE ... WHERE id = %s AND version = N AND status =
S`): a tablet that wrote with an old `version` changes nothing and gets StaleVersion (409);
a wrong step gets InvalidTransition (409) listing the allowed ones.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from clock import engine as clock
from core.i18n import site_language
from core.numbering import next_number
from core.outbox import notify
from core.timeline import record_event
from servicecenter.exceptions import InvalidTransition, StaleVersion, ValidationFailed
from servicecenter.lib.workcalendar import Calendar

from . import rules
from .choices import WorkOrderAction, WorkOrderKind, WorkOrderPriority, WorkOrderStatus
from .evidence import EXTENSIONS, PhotoRejected, check_photo
from .lifecycle import TRANSITIONS, WORK_ORDER, allowed_actions
from .models import Crew, WorkOrder, WorkOrderEvent, WorkOrderPhoto

A = WorkOrderAction
S = WorkOrderStatus
# the columns of the declared deadlines: a step that writes one keeps the deadline rows in step
DEADLINE_COLUMNS = {getattr(d, f) for d in WORK_ORDER.deadlines for f in ("due", "warn", "flag")}

# action -> the field that records when it happened (its client_* twin holds the client's clock)
STAMP = {
    A.DISPATCH: "dispatched_at",
    A.ACCEPT: "accepted_at",
    A.DEPART: "departed_at",
    A.ARRIVE: "arrived_at",
    A.COMPLETE: "completed_at",
    A.CANCEL: "cancelled_at",
}


def work_calendar() -> Calendar:
    """The work calendar (holidays and 调休 days kept by the complaints app)."""
    from core.calendar import get_calendar

    return get_calendar()


def _complaint_event(complaint, *, at, by, kind, work_order, note="") -> None:
    """Write a line on the complaint's timeline (append-only ComplaintEvent)."""
    from complaints.models import ComplaintEvent

    record_event(ComplaintEvent, complaint=complaint, at=at, by=by, kind=kind, note=note or work_order.number,
                 data={"work_order": work_order.number, "work_order_id": work_order.pk,
                       "kind": work_order.kind, "status": work_order.status})


def _event(work_order, *, at, by, kind, from_status="", to_status="", note="", data=None, client_at=None):
    return record_event(WorkOrderEvent, work_order=work_order, at=at, by=by, kind=kind, from_status=from_status,
                        to_status=to_status, note=note, data=data, client_at=client_at)


@transaction.atomic
def work_order_create(*, by, kind: str = WorkOrderKind.REPAIR, station=None, complaint=None, customer=None,
                      address: str = "", area_type: str | None = None,
                      priority: int = WorkOrderPriority.NORMAL, description: str = "",
                      contact_name: str = "", contact_phone: str = "", due_at: datetime | None = None,
                      now: datetime | None = None) -> WorkOrder:
    """Create a work order, standalone or from a complaint (which then shows it on its timeline).

    Repairs get their arrival target/ceiling from the area (or 30 minutes for grade A and
    important users); other kinds a due date (given, or the kind's default in working days).
    """
    now = now or timezone.now()
    if kind not in WorkOrderKind.values:
        raise ValidationFailed("kind", _("Unknown kind of work order."))
    station, customer, address, contact_name, contact_phone = _where_and_whom(
        complaint=complaint, customer=customer, station=station, address=address, contact_name=contact_name,
        contact_phone=contact_phone)
    area_type = area_type or station.area_type
    grade, important = _priority_of(complaint=complaint, customer=customer)
    order = WorkOrder(
        number=next_number(prefix="GD", day=timezone.localdate(now)), kind=kind, complaint=complaint,
        customer=customer, contact_name=contact_name[:100], contact_phone=contact_phone[:20], address=address[:300],
        description=description, area_type=area_type, priority=priority, station=station,
        status=S.CREATED, grade_at_creation=grade or "", created_by=by,
    )
    _set_deadlines(order, now=now, due_at=due_at, grade=grade, important=important)
    order.full_clean(exclude=["number", "complaint", "customer", "station", "crew", "created_by"])
    order.save()
    # created_at is auto_now_add; keep the deadlines' origin and the stored time identical
    WorkOrder.objects.filter(pk=order.pk).update(created_at=now, updated_at=now)
    order.created_at = order.updated_at = now
    clock.sync(order, subject_type=WORK_ORDER.subject_type, now=now)  # a repair's arrival clock starts
    _event(order, at=now, by=by, kind="created", to_status=S.CREATED,
           data={"kind": kind, "complaint": complaint.number if complaint else None})
    if complaint is not None:
        _complaint_event(complaint, at=now, by=by, kind="work_order_created", work_order=order)
    return order


def _where_and_whom(*, complaint, customer, station, address, contact_name, contact_phone) -> tuple:
    """(station, customer, address, contact name, contact phone): from the complaint (its
    station, customer and named complainant), then the customer, then what was given."""
    if complaint is not None:
        if complaint.status == "closed":
            raise ValidationFailed("complaint", _("The complaint is closed."))
        station = station or complaint.station
        if station.pk != complaint.station_id:
            raise ValidationFailed("station", _("A work order from a complaint belongs to the complaint's station."))
        customer = customer or complaint.customer
        if not complaint.anonymous:
            contact_name = contact_name or complaint.complainant_name
            contact_phone = contact_phone or complaint.complainant_phone
    if customer is not None:
        station = station or customer.station
        if customer.station_id != station.pk:
            raise ValidationFailed("customer", _("The customer belongs to another station."))
        address = address or customer.address
        contact_name = contact_name or customer.contact_name or customer.name
        contact_phone = contact_phone or customer.phone
    if station is None:
        raise ValidationFailed("station", _("Choose the station."))
    address = (address or "").strip()
    if not address:
        raise ValidationFailed("address", _("The address is required."))
    return station, customer, address, contact_name, contact_phone


def _priority_of(*, complaint, customer) -> tuple[str, str]:
    """(grade, important level) the arrival deadline looks at: the customer's grade (or the
    complaint's at intake; a complaint received as grade A stays A) and important-user level."""
    grade = customer.grade if customer is not None else (complaint.grade_at_intake if complaint else "")
    if complaint is not None and complaint.grade_at_intake == "A":
        grade = "A"
    return grade, customer.important_level if customer is not None else ""


def _set_deadlines(order: WorkOrder, *, now: datetime, due_at: datetime | None, grade: str, important: str) -> None:
    """A repair's arrival target, ceiling and warning from its area (30 minutes for grade A and
    important users); another kind's due date (given, or the kind's default in working days)."""
    if order.kind == WorkOrderKind.REPAIR:
        arrival = rules.arrival_deadlines(
            created_at=now, area_type=order.area_type,
            priority_customer=rules.is_priority_customer(grade=grade, important_level=important))
        order.arrive_target_at, order.arrive_due_at, order.arrive_warn_at = (
            arrival.target_at, arrival.due_at, arrival.warn_at)
        return
    if due_at is not None and due_at <= now:
        raise ValidationFailed("due_at", _("The due date must be in the future."))
    order.due_at = due_at or rules.default_due(kind=order.kind, created_at=now, cal=work_calendar())


# action -> the step itself, without a transaction of its own (perform() runs it inside the caller's)
STEPS: dict[str, Callable[..., WorkOrder]] = {}


def _step(action: str):
    """Register a step for `perform()` as written, and give everyone else the step in its own
    transaction (`@transaction.atomic`): the public `work_order_<step>` services."""

    def register(func):
        STEPS[action] = func
        return transaction.atomic(func)

    return register


def _check(work_order: WorkOrder, action: str, version) -> None:
    """Stale version first (the client's picture is out of date), then the state."""
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise ValidationFailed("version", _("The version of the work order is required.")) from None
    if version != work_order.version:
        raise StaleVersion(_("The work order was changed by someone else; reload it."),
                           current_version=work_order.version, status=work_order.status)
    sources, _target = TRANSITIONS[action]
    if work_order.status not in sources:
        raise InvalidTransition(
            _("Cannot %(action)s a work order that is %(status)s.") % {
                "action": A(action).label.lower(), "status": S(work_order.status).label.lower()},
            status=work_order.status, allowed=allowed_actions(work_order.status))


def _transition(work_order: WorkOrder, action: str, *, by, version, now, client_time=None, changes=None,
                note: str = "", data: dict | None = None, locked: bool = False) -> WorkOrder:
    """Guarded update + event. Callers have run `_check` and their own validation.

    `locked`: the caller read `work_order` with select_for_update in this transaction, so the
    row is the current one and nobody else can write it before we commit: the new state is the
    old one plus what this update wrote, and is set on the instance without reading it back.
    """
    _sources, target = TRANSITIONS[action]
    stamp = STAMP[action]
    fields = {"status": target, stamp: now, f"client_{stamp}": client_time, "updated_at": now, **(changes or {})}
    changed = WorkOrder.objects.filter(pk=work_order.pk, version=version, status=work_order.status).update(
        version=F("version") + 1, **fields)
    if changed != 1:
        # someone else wrote between our read and this update
        current = WorkOrder.objects.get(pk=work_order.pk)
        raise StaleVersion(_("The work order was changed by someone else; reload it."),
                           current_version=current.version, status=current.status)
    from_status = work_order.status
    if locked:
        for name, value in fields.items():
            setattr(work_order, name, value)
        work_order.version = int(version) + 1
    else:
        work_order.refresh_from_db()
    if set(WORK_ORDER.running(from_status)) != set(WORK_ORDER.running(target)) or DEADLINE_COLUMNS & set(fields):
        clock.sync(work_order, subject_type=WORK_ORDER.subject_type, now=now)  # which clocks run, or when
    _event(work_order, at=now, by=by, kind=str(action), from_status=from_status, to_status=target, note=note,
           data=data, client_at=client_time)
    return work_order


@_step(A.DISPATCH)
def work_order_dispatch(*, work_order: WorkOrder, by, crew: Crew, version, client_time=None,
                        now: datetime | None = None, locked: bool = False) -> WorkOrder:
    """Give the order to a crew of its station (again, to another crew, before it is accepted)."""
    now = now or timezone.now()
    _check(work_order, A.DISPATCH, version)
    if crew is None:
        raise ValidationFailed("crew", _("Choose a crew."))
    if crew.station_id != work_order.station_id or not crew.active:
        raise ValidationFailed("crew", _("Choose an active crew of the order's station."))
    previous = work_order.crew.name if work_order.crew_id else None
    order = _transition(work_order, A.DISPATCH, by=by, version=version, now=now, client_time=client_time,
                        changes={"crew": crew}, data={"crew": crew.name, "previous_crew": previous}, locked=locked)
    urgent = order.kind == WorkOrderKind.REPAIR
    with site_language():
        notify(recipients=list(crew.members.all()), kind="work_order_dispatched",
               dedupe_key=f"workorder:{order.pk}:dispatch:{order.version}",
               subject=_("Work order %(number)s: %(address)s") % {"number": order.number, "address": order.address},
               link=f"/crew/{order.number}/", urgent=urgent,
               channels=("in_app", "sms") if urgent else ("in_app",))
    return order


@_step(A.ACCEPT)
def work_order_accept(*, work_order: WorkOrder, by, version, client_time=None, now=None,
                      locked: bool = False) -> WorkOrder:
    now = now or timezone.now()
    _check(work_order, A.ACCEPT, version)
    return _transition(work_order, A.ACCEPT, by=by, version=version, now=now, client_time=client_time, locked=locked)


@_step(A.DEPART)
def work_order_depart(*, work_order: WorkOrder, by, version, client_time=None, now=None,
                      locked: bool = False) -> WorkOrder:
    now = now or timezone.now()
    _check(work_order, A.DEPART, version)
    return _transition(work_order, A.DEPART, by=by, version=version, now=now, client_time=client_time, locked=locked)


def _coordinate(value, field: str, limit: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(field, _("Not a number.")) from exc
    if not -limit <= number <= limit:
        raise ValidationFailed(field, _("Out of range."))
    return number


@_step(A.ARRIVE)
def work_order_arrive(*, work_order: WorkOrder, by, version, client_time=None, lat=None, lng=None,
                      delay_reason: str = "", customer_informed: bool | None = None, now=None,
                      locked: bool = False) -> WorkOrder:
    """The crew is on site. A repair's restore clock starts now; a late crew (after the arrival
    ceiling) must say why and whether the customer was told."""
    now = now or timezone.now()
    _check(work_order, A.ARRIVE, version)
    lat, lng = _coordinate(lat, "lat", 90), _coordinate(lng, "lng", 180)
    if (lat is None) != (lng is None):
        raise ValidationFailed("lat" if lat is None else "lng", _("Send both latitude and longitude."))
    late = rules.is_late(arrived_at=now, arrive_due_at=work_order.arrive_due_at)
    delay_reason = (delay_reason or "").strip()
    if late and not delay_reason:
        raise ValidationFailed("delay_reason", _("The crew arrived after the deadline: give the reason for the delay."))
    if late and customer_informed is None:
        raise ValidationFailed("customer_informed",
                               _("The crew arrived after the deadline: say whether the customer was told."))
    changes = {"arrival_lat": lat, "arrival_lng": lng}
    if late:
        changes.update(delay_reason=delay_reason[:500], customer_informed=customer_informed, arrive_breached=True)
    if work_order.kind == WorkOrderKind.REPAIR:
        changes["restore_due_at"], changes["restore_warn_at"] = rules.restore_deadline(
            arrived_at=now, area_type=work_order.area_type)
    return _transition(work_order, A.ARRIVE, by=by, version=version, now=now, client_time=client_time,
                       changes=changes, note=delay_reason if late else "",
                       data={"late": late, "lat": str(lat) if lat is not None else None,
                             "lng": str(lng) if lng is not None else None,
                             "customer_informed": customer_informed if late else None}, locked=locked)


@_step(A.COMPLETE)
def work_order_complete(*, work_order: WorkOrder, by, version, notes: str, client_time=None, now=None,
                        locked: bool = False) -> WorkOrder:
    """Work done: requires the crew's notes (what was found and done)."""
    now = now or timezone.now()
    _check(work_order, A.COMPLETE, version)
    notes = (notes or "").strip()
    if not notes:
        raise ValidationFailed("notes", _("Write what was found and done before completing."))
    changes = {"notes": notes[:5000]}
    if work_order.restore_due_at is not None and now > work_order.restore_due_at:
        changes["restore_breached"] = True
    order = _transition(work_order, A.COMPLETE, by=by, version=version, now=now, client_time=client_time,
                        changes=changes, note=notes, locked=locked)
    if order.complaint_id:
        _complaint_event(order.complaint, at=now, by=by, kind="work_order_completed", work_order=order,
                         note=f"{order.number}: {notes[:200]}")
        if order.kind == WorkOrderKind.REPAIR and order.complaint.kind == "repair":
            # a repair call (SPEC §11): resolved by the completed work order, the callback starts
            from complaints.services import order_repaired

            order_repaired(order=order.complaint, by=by, work_order=order, note=notes, now=now)
    return order


@_step(A.CANCEL)
def work_order_cancel(*, work_order: WorkOrder, by, version, reason: str, client_time=None, now=None,
                      locked: bool = False) -> WorkOrder:
    now = now or timezone.now()
    _check(work_order, A.CANCEL, version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("reason", _("Give the reason for cancelling."))
    order = _transition(work_order, A.CANCEL, by=by, version=version, now=now, client_time=client_time,
                        changes={"cancel_reason": reason[:500]}, note=reason, locked=locked)
    if order.complaint_id:
        _complaint_event(order.complaint, at=now, by=by, kind="work_order_cancelled", work_order=order,
                         note=f"{order.number}: {reason[:200]}")
    return order


def perform(action: str, **kwargs) -> WorkOrder:
    """The step `action` (accept, depart, ...: the keyword arguments of its work_order_* function)
    inside the caller's transaction, without a savepoint of its own: on an error the caller's
    whole transaction must roll back (the API's idempotent step does, see idempotency.run_step).
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("perform() runs inside the caller's transaction.atomic().")
    return STEPS[action](**kwargs)


PHOTO_STATUSES = [S.DISPATCHED, S.ACCEPTED, S.EN_ROUTE, S.ON_SITE]


@transaction.atomic
def work_order_add_photo(*, work_order: WorkOrder, by, upload, version=None, client_time=None,
                         now=None) -> WorkOrderPhoto:
    """Store a site photo (checked by content) through the default storage.

    Photos add evidence without changing the order, so they do not bump `version` (a crew mate
    adding a photo does not make your next step stale); a `version`, when sent, is still checked.
    The row lock keeps two uploads at once from passing the 10-photo limit together.
    """
    now = now or timezone.now()
    locked = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
    if version not in (None, "") and str(version) != str(locked.version):
        raise StaleVersion(_("The work order was changed by someone else; reload it."),
                           current_version=locked.version, status=locked.status)
    if locked.status not in PHOTO_STATUSES:
        raise InvalidTransition(_("Photos can be added only while the order is being worked on."),
                                status=locked.status, allowed=allowed_actions(locked.status))
    try:
        content_type = check_photo(upload, existing_count=locked.photos.count())
    except PhotoRejected as exc:
        raise ValidationFailed("photo", exc.message) from exc
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    photo = WorkOrderPhoto(work_order=locked, content_type=content_type, size=upload.size,
                           sha256=digest.hexdigest(), original_name=(getattr(upload, "name", "") or "")[:200],
                           uploaded_by=by, client_at=client_time)
    photo.file.save(f"{uuid.uuid4().hex}.{EXTENSIONS[content_type]}", upload, save=False)
    try:
        photo.save()
        _event(locked, at=now, by=by, kind="photo_added", data={"photo_id": photo.pk, "content_type": content_type,
                                                                 "size": photo.size}, client_at=client_time)
    except BaseException:
        # the rows roll back: do not leave their file behind in storage
        photo.file.storage.delete(photo.file.name)
        raise
    return photo


@transaction.atomic
def crew_save(*, crew: Crew, members=None, by=None) -> Crew:
    """Validate and save a crew; the leader is always a member."""
    crew.full_clean()
    crew.save()
    if members is not None:
        crew.members.set(members)
    if crew.leader_id:
        crew.members.add(crew.leader_id)
    return crew
