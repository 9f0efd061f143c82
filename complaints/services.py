"""Writes for complaints: intake and every lifecycle step (SPEC §3).

Each function runs in one transaction, locks the complaint row (select_for_update), checks the
state (wrong state -> InvalidTransition, answered 409 with the allowed actions), changes it,
appends one ComplaintEvent, and writes notifications to the outbox in the same transaction.
Intake validates and reads first, draws the day's number in its own one-statement transaction
(so intakes do not queue on the day's counter row), then writes the complaint, its events and
its notifications in one transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from clock import engine as clock
from core import recipients
from core.calendar import get_calendar
from core.i18n import site_language
from core.numbering import next_number
from core.outbox import notify, notify_many
from core.registry import order_taken_by
from core.timeline import event, record_event
from customers.selectors import NO_SUCH_CUSTOMER, user_station_id
from customers.validators import phone_validator
from servicecenter.exceptions import DomainError, InvalidTransition, ValidationFailed
from servicecenter.lib import deadlines
from servicecenter.roles import HANDLER, MANAGER, has_role, sees_all_stations, user_roles

from .choices import (
    HIGHER_AUTHORITY,
    REVIEW_SEVERITIES,
    AckHow,
    ComplaintAction,
    ComplaintChannel,
    ComplaintSeverity,
    ComplaintStatus,
    DeadlineKind,
    EscalationLevel,
    EventKind,
    ExtensionStatus,
    OrderKind,
    Satisfaction,
    ServiceType,
    SubjectType,
)
from .kinds import KINDS, kind_of, lifecycle_of, order_url
from .lifecycle import ACTION_ROLES
from .models import Complaint, ComplaintEvent, Escalation, ExtensionRequest, PauseSegment
from .reference import get_policies
from .selectors import REPEAT_WARNING_AT, repeat_window
from .sla import pick_policy

MAX_DESCRIPTION = 5000
# A clock skew allowance for "received_at is not in the future".
FUTURE_TOLERANCE = timedelta(minutes=2)

A = ComplaintAction
S = ComplaintStatus


class ActionNotPermitted(DomainError):
    """The user's role may not take this action on a complaint they can see -> 403."""

    status_code = 403
    code = "permission_denied"


# --- helpers -------------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else deadlines.to_local(moment).isoformat()


def _event(complaint: Complaint, *, kind: str, by, at: datetime, note: str = "", **data) -> ComplaintEvent:
    return record_event(ComplaintEvent, complaint=complaint, at=at, by=by, kind=kind, note=note, data=data)


def _allowed(complaint: Complaint) -> list[str]:
    """The actions the order's status allows, as its kind's lifecycle declares them."""
    return lifecycle_of(complaint).allowed(complaint.status)


def review_pending(complaint: Complaint) -> bool:
    """A significant, major or special complaint a manager has not reviewed yet (SPEC §11): the
    station does not get it (no take) until then."""
    return complaint.review_due_at is not None and complaint.reviewed_at is None


def allowed_actions(complaint: Complaint, user=None) -> list[str]:
    """Actions the complaint's status allows; with a user, only those their role may take."""
    lc = lifecycle_of(complaint)
    actions = lc.allowed(complaint.status)
    if user is not None:
        roles = user_roles(user)
        actions = [a for a in actions if lc.roles[a] & roles]
        if A.CALLBACK in actions and complaint.resolved_by_id == user.pk:
            actions.remove(A.CALLBACK)
    if A.TAKE in actions and complaint.handler_id is not None:
        actions.remove(A.TAKE)  # only an unassigned order can be taken
    if A.REVIEW in actions and not review_pending(complaint):
        actions.remove(A.REVIEW)  # nothing to review (the page offers it only while it waits)
    if A.TAKE in actions and review_pending(complaint):
        actions.remove(A.TAKE)  # the station gets it after the manager's review
    if A.RETURN in actions and complaint.returned_at is not None:
        actions.remove(A.RETURN)  # already back with the service center
    return actions


def _lock(complaint: Complaint, action: str, by) -> Complaint:
    """Lock the row, then check the state and the role."""
    locked = Complaint.all_kinds.select_for_update().get(pk=complaint.pk)
    lc = lifecycle_of(locked)
    if action not in lc.allowed(locked.status):
        raise InvalidTransition(
            _("A complaint in status “%(status)s” cannot be %(action)s.") % {
                "status": locked.get_status_display(), "action": A(action).label},
            status=locked.status, allowed=lc.allowed(locked.status))
    if not (lc.roles[action] & user_roles(by)):
        raise ActionNotPermitted(_("Your role may not do this: %(action)s.") % {"action": A(action).label})
    return locked


def _target(complaint: Complaint, kind: str) -> tuple[int, str]:
    amount, unit = complaint.sla_targets[kind]
    return int(amount), unit


def _due(complaint: Complaint, kind: str, start: datetime) -> tuple[datetime, datetime]:
    """(deadline, warning time) of a target counted from `start`."""
    amount, unit = _target(complaint, kind)
    due = deadlines.add(start, amount, unit, get_calendar())
    return due, deadlines.warning_at(start, due, complaint.warning_fraction)


def _save(complaint: Complaint, fields: list[str]) -> None:
    complaint.version += 1
    complaint.save(update_fields=[*fields, "version", "updated_at"])


def _clock(complaint: Complaint, **kwargs) -> None:
    """Keep the complaint's deadline rows in step with its columns and status (one upsert)."""
    clock.sync(complaint, subject_type=SubjectType.COMPLAINT, **kwargs)


def _link(complaint: Complaint) -> str:
    return order_url(complaint)


# --- intake --------------------------------------------------------------------------------


def complaint_intake(*, by, channel: str, category, description: str, customer=None, complainant_name: str = "",
                     complainant_phone: str = "", anonymous: bool = False,
                     severity: str = ComplaintSeverity.NORMAL, received_at: datetime | None = None,
                     station=None, acknowledge_now: bool = False, ack_note: str = "") -> Complaint:
    """Register a complaint (the `complaint` kind of `order_intake`)."""
    return order_intake(by=by, kind=OrderKind.COMPLAINT, channel=channel, category=category, description=description,
                        customer=customer, complainant_name=complainant_name, complainant_phone=complainant_phone,
                        anonymous=anonymous, severity=severity, received_at=received_at, station=station,
                        acknowledge_now=acknowledge_now, ack_note=ack_note)


def order_intake(*, by, kind: str = OrderKind.COMPLAINT, channel: str, description: str, category=None,
                 customer=None, complainant_name: str = "", complainant_phone: str = "", anonymous: bool = False,
                 severity: str = ComplaintSeverity.NORMAL, received_at: datetime | None = None, station=None,
                 acknowledge_now: bool = False, ack_note: str = "", service_type: str = "", address: str = "",
                 inside_installation: bool | None = None, answer: str = "", after_insert=None,
                 different_fault: bool = False) -> Complaint:
    """Register an order of any kind (SPEC §11): number, policy and deadlines of its kind, repeat
    detection (complaints), notifications.

    Everything is checked and read before the number is drawn (the input, the station, the
    complainant, the policy and its deadlines, the earlier complaints, the recipients); the
    number comes from its own short transaction (`next_number` outside ours), so a failure after
    it leaves a gap in the day's numbers; the order, its events and its notifications are
    written in one transaction. An enquiry with an `answer` was answered on the spot: it is
    closed at intake with the answer on its timeline. `after_insert(order)` runs inside that
    transaction (tickets: a repair call's work order), so a failure there writes nothing.
    """
    now = timezone.now()
    description = (description or "").strip()
    decl = _intake_kind(kind)
    received_at = _intake_checked(channel=channel, severity=severity, category=category, description=description,
                                  received_at=received_at, now=now, kind=decl)
    service_type, address, answer = _intake_kind_fields(decl, service_type=service_type, address=address,
                                                        answer=answer, customer=customer)
    station_id, station = _intake_station(by=by, customer=customer, station=station)
    complainant_name, complainant_phone = _intake_complainant(
        customer=customer, anonymous=anonymous, name=(complainant_name or "").strip(),
        phone=(complainant_phone or "").strip(), kind=decl)
    grade = customer.grade if customer is not None else "C"
    policy = pick_policy(get_policies(), severity=severity, grade=grade, channel=channel, kind=decl.code,
                         service_type=service_type)
    # the deadlines of this order: its kind's; a manager's review for the upper severities only
    kinds = tuple(k for k in decl.deadlines if k != "review" or severity in REVIEW_SEVERITIES)
    # the policy must set a target for every deadline the kind has (an empty target: none)
    targets = policy.targets(kinds) if policy is not None else {}
    if policy is None or any(k not in targets for k in kinds):
        if decl.code == OrderKind.COMPLAINT:
            raise ValidationFailed("severity", _("No active SLA policy matches this complaint; ask an administrator."))
        raise ValidationFailed("kind", _("No active SLA policy matches this order; ask an administrator."))
    targets_and_deadlines = _intake_deadlines(policy, received_at, kinds=kinds)
    earlier = (_earlier_complaints(customer=customer, phone=complainant_phone, received_at=received_at)
               if decl.code == OrderKind.COMPLAINT else [])
    acknowledge_now = acknowledge_now and "ack" in decl.deadlines
    if acknowledge_now and not (ACTION_ROLES[A.ACKNOWLEDGE] & user_roles(by)):
        raise ActionNotPermitted(_("Your role may not do this: %(action)s.") % {"action": A.ACKNOWLEDGE.label})
    answered = bool(answer) and decl.code == OrderKind.ENQUIRY

    number = next_number(prefix=decl.prefix, day=timezone.localdate(now))  # its own transaction: see the docstring
    complaint = Complaint(
        number=number, kind=decl.code, service_type=service_type, address=address,
        inside_installation=inside_installation if decl.code == OrderKind.REPAIR else None,
        channel=channel, customer=customer, complainant_name=complainant_name,
        complainant_phone=complainant_phone, anonymous=anonymous, category=category, severity=severity,
        description=description, received_at=received_at, station_id=station_id, received_by=by,
        status=S.ACKNOWLEDGED if acknowledge_now else S.RECEIVED, acknowledged_at=now if acknowledge_now else None,
        grade_at_intake=grade, repeat_of=earlier[0] if earlier else None,
        **targets_and_deadlines,
    )
    if answered:  # answered on the spot: the reply is the answer, closed at intake; nothing to dispatch
        complaint.answer = complaint.resolution = answer
        complaint.status, complaint.resolved_at, complaint.closed_at, complaint.resolved_by = (
            S.CLOSED, now, now, by)
        complaint.assigned_at = now  # the assign (派单) deadline is met by the one who answered
    if getattr(station, "pk", None) == station_id:
        complaint.station = station  # already loaded: the receipt and the answer need it
    # recipients read before the transaction (which then holds no more than its own new rows)
    repeats = len(earlier) + 1
    review = "review" in kinds
    told = {"managers": recipients.managers() if repeats >= REPEAT_WARNING_AT or review else [],
            "leaders": recipients.leadership() if channel in HIGHER_AUTHORITY else [],
            "account_manager": recipients.account_manager(customer)}
    with transaction.atomic():
        complaint.save(force_insert=True)
        # the events (in timeline order) and the deadline rows: one INSERT on PostgreSQL
        clock.write_new(complaint, subject_type=SubjectType.COMPLAINT, now=now,
                        also=_intake_events(complaint, earlier, by=by, now=now,
                                            acknowledged=acknowledge_now, ack_note=ack_note, answered=answered))
        # SPEC §12 (outages): the apps above are told (core.registry.order_taken; one lookup query):
        # the order is linked to the active outage covering the customer; `taken` holds their
        # answers for `after_insert` (a repair call joining a fault outage sends no crew)
        complaint.taken = order_taken_by(subject_type=SubjectType.COMPLAINT, subject_id=complaint.pk,
                                         customer=customer, kind=decl.code, different_fault=different_fault,
                                         by=by, now=now)
        if after_insert is not None:
            after_insert(complaint)
        # one INSERT for every recipient (none without); delivery after commit
        notify_many(_intake_messages(complaint, repeats=repeats, review=review, **told), now=now)
    return complaint


def _intake_kind(kind: str):
    if kind not in KINDS:
        raise ValidationFailed("kind", _("Unknown kind of order."))
    return KINDS[kind]


def _intake_kind_fields(decl, *, service_type: str, address: str, answer: str, customer) -> tuple[str, str, str]:
    """(service type, address, answer) as the kind needs them (complaints/kinds.py `required`):
    a service request names its sub-type; a repair call its address (the customer's by default)."""
    service_type = (service_type or "").strip()
    if decl.code != OrderKind.SERVICE:
        service_type = ""
    elif service_type not in ServiceType.values:
        raise ValidationFailed("service_type", _("Choose the type of service request."))
    address = (address or "").strip()
    if decl.code == OrderKind.REPAIR and not address and customer is not None:
        address = customer.address
    if "address" in decl.required and not address:
        raise ValidationFailed("address", _("A repair call needs the address of the fault."))
    answer = (answer or "").strip() if decl.code == OrderKind.ENQUIRY else ""
    if len(answer) > MAX_DESCRIPTION:
        raise ValidationFailed("answer", _("At most %(n)s characters.") % {"n": MAX_DESCRIPTION})
    return service_type, address[:300], answer


def _intake_checked(*, channel, severity, category, description, received_at, now, kind=None) -> datetime:
    """The input on its own: text, channel, severity, category (a complaint's; another kind may
    have one); the time of receipt (a counter complaint is received now; another never in the
    future)."""
    if not description:
        raise ValidationFailed("description", _("Describe the complaint."))
    if len(description) > MAX_DESCRIPTION:
        raise ValidationFailed("description", _("At most %(n)s characters.") % {"n": MAX_DESCRIPTION})
    if channel not in ComplaintChannel.values:
        raise ValidationFailed("channel", _("Unknown channel."))
    if severity not in ComplaintSeverity.values:
        raise ValidationFailed("severity", _("Unknown severity."))
    needs_category = kind is None or "category" in kind.required
    if (category is None and needs_category) or (
            category is not None and (category.parent_id is None or not category.active)):
        raise ValidationFailed("category", _("Choose an active category item (not a class)."))
    if channel == ComplaintChannel.COUNTER or received_at is None:
        return now
    if received_at > now + FUTURE_TOLERANCE:
        raise ValidationFailed("received_at", _("The time of receipt cannot be in the future."))
    if received_at < now - settings.RECEIVED_AT_MAX_AGE:
        raise ValidationFailed("received_at", _("The time of receipt is more than %(days)d days ago.")
                               % {"days": settings.RECEIVED_AT_MAX_AGE.days})
    return received_at


def _intake_station(*, by, customer, station):
    """(station id, station) the complaint belongs to: the customer's, else the one given or the
    user's own; station staff register only for their own station."""
    own_station = None if sees_all_stations(by) else user_station_id(by)
    if customer is not None:
        if own_station is not None and customer.station_id != own_station:
            raise ValidationFailed("customer", NO_SUCH_CUSTOMER)
        return customer.station_id, customer.station
    station_id = getattr(station, "pk", station) or own_station
    if station_id is None:
        raise ValidationFailed("station", _("Choose the supply station."))
    if own_station is not None and station_id != own_station:
        raise ValidationFailed("station", _("You can only register complaints for your own supply station."))
    return station_id, station


def _intake_complainant(*, customer, anonymous: bool, name: str, phone: str, kind=None) -> tuple[str, str]:
    """(name, phone) of the complainant: a named one needs a phone for the callback (the
    customer's contact and phone by default); an anonymous one has no name. Kinds without a
    callback need no phone."""
    callback = kind is None or kind.has_callback
    if anonymous:
        name = ""
    elif not callback:
        if customer is not None:
            name = name or customer.default_complainant
            phone = phone or customer.phone
    else:
        if customer is not None:
            name = name or customer.default_complainant
            phone = phone or customer.phone
        if not name:
            raise ValidationFailed("complainant_name", _("Enter the complainant's name, or mark it anonymous."))
        if not phone:
            raise ValidationFailed("complainant_phone",
                                   _("A named complainant needs a phone number for the callback."))
    if phone:
        try:
            phone_validator(phone)
        except DjangoValidationError as exc:
            raise ValidationFailed("complainant_phone", exc.messages[0])
    return name, phone


def _intake_deadlines(policy, received_at: datetime, kinds=("ack", "resolve", "callback", "assign")) -> dict:
    """The policy's targets as the order records them (those of its kind's deadlines), and its
    ack, resolve and assign deadlines (the ones its kind has)."""
    cal = get_calendar()
    fraction = policy.warning_fraction
    out = {"sla_policy": policy, "sla_targets": policy.targets(kinds), "warning_fraction": fraction,
           "resolve_started_at": received_at}
    if "ack" in kinds:
        ack_due = deadlines.add(received_at, policy.ack_amount, policy.ack_unit, cal)
        out.update(ack_due_at=ack_due, ack_warn_at=deadlines.warning_at(received_at, ack_due, fraction))
    if "resolve" in kinds:
        resolve_due = deadlines.add(received_at, policy.resolve_amount, policy.resolve_unit, cal)
        out.update(resolve_due_at=resolve_due, original_resolve_due_at=resolve_due,
                   resolve_warn_at=deadlines.warning_at(received_at, resolve_due, fraction))
    if "assign" in kinds:
        assign_due = deadlines.add(received_at, policy.assign_minutes, deadlines.MINUTES, cal)
        out.update(assign_due_at=assign_due, assign_warn_at=deadlines.warning_at(received_at, assign_due, fraction))
    if "review" in kinds:
        review_due = deadlines.add(received_at, policy.review_minutes, deadlines.MINUTES, cal)
        out.update(review_due_at=review_due, review_warn_at=deadlines.warning_at(received_at, review_due, fraction))
    return out


def _earlier_complaints(*, customer, phone: str, received_at: datetime) -> list[Complaint]:
    """Repeat detection: earlier complaints of the same customer or phone within the repeat
    window, newest first (instances with id and number only: the answer shows `repeat_of`
    without a query)."""
    repeat_q = None
    if customer is not None:
        repeat_q = Complaint.objects.filter(customer=customer)
    if phone:
        by_phone = Complaint.objects.filter(complainant_phone=phone)
        repeat_q = by_phone if repeat_q is None else (repeat_q | by_phone)
    if repeat_q is None:
        return []
    return list(repeat_q.filter(received_at__gte=received_at - repeat_window(), received_at__lte=received_at)
                .order_by("-received_at", "-id").only("id", "number")[:10])


def _intake_events(c: Complaint, earlier: list[Complaint], *, by, now: datetime, acknowledged: bool,
                   ack_note: str, answered: bool = False) -> list[ComplaintEvent]:
    """The timeline of a new order: received; the repeat warning; acknowledged at intake; an
    enquiry answered on the spot: answered and closed."""
    events = [event(
        ComplaintEvent, complaint=c, at=now, by=by, kind=EventKind.RECEIVED, note=c.description[:200],
        data={"policy": c.sla_policy.name, "targets": c.sla_targets, "channel": c.channel,
              "received_at": _iso(c.received_at),
              "deadlines": {"ack_due_at": [None, _iso(c.ack_due_at)], "resolve_due_at": [None, _iso(c.resolve_due_at)],
                            "assign_due_at": [None, _iso(c.assign_due_at)],
                            **({"review_due_at": [None, _iso(c.review_due_at)]} if c.review_due_at else {})},
              "repeat_of": earlier[0].number if earlier else None})]
    repeats = len(earlier) + 1
    if repeats >= REPEAT_WARNING_AT:
        events.append(event(
            ComplaintEvent, complaint=c, at=now, kind=EventKind.REPEAT_WARNING,
            note=_("%(n)s complaints from the same customer or phone within %(days)s days.") % {
                "n": repeats, "days": repeat_window().days},
            data={"earlier": [e.number for e in earlier]}))
    if acknowledged:  # the contact was resolved on the spot: first contact made at intake
        events.append(event(
            ComplaintEvent, complaint=c, at=now, by=by, kind=EventKind.ACKNOWLEDGED, note=ack_note,
            data={"how": AckHow.AT_COUNTER, "met": True, "deadline": "ack_due_at"}))
    if answered:
        events.append(event(ComplaintEvent, complaint=c, at=now, by=by, kind=EventKind.ANSWERED, note=c.answer,
                            data={"on_the_spot": True, "met": True, "deadline": "resolve_due_at"}))
        events.append(event(ComplaintEvent, complaint=c, at=now, by=by, kind=EventKind.CLOSED,
                            note=_("Answered on the spot.")))
    return events


def _intake_messages(c: Complaint, *, repeats: int, managers: list[int], leaders: list[int],
                     account_manager: int | None, review: bool = False) -> list[dict]:
    """Who hears of a new order (core.recipients): the managers of a repeat warning, the
    customer's account manager (whatever the grade and the kind), the leadership group of one from
    a higher authority (forwarded, 12398, 12345)."""
    link, number = _link(c), c.number
    complaint = c.kind == OrderKind.COMPLAINT
    messages = []
    with site_language():
        if managers and review:
            subject = _("Complaint %(number)s (%(severity)s) needs a manager's review before it goes to the station") % {
                "number": number, "severity": c.get_severity_display()}
            messages += [{"recipient_id": pk, "kind": "complaint.review", "subject": subject, "link": link, "urgent": True,
                          "dedupe_key": f"complaint:{c.pk}:review"} for pk in managers]
        if managers and repeats >= REPEAT_WARNING_AT:
            subject = _("Repeat complaint warning: %(number)s (%(n)s in %(days)s days)") % {
                "number": number, "n": repeats, "days": repeat_window().days}
            messages += [{"recipient_id": pk, "kind": "complaint.repeat_warning", "subject": subject, "link": link,
                          "dedupe_key": f"complaint:{c.pk}:repeat"} for pk in managers]
        if account_manager:
            if complaint:
                subject = _("Your customer %(name)s complained: %(number)s") % {"name": c.customer.name,
                                                                                 "number": number}
            else:
                subject = _("Your customer %(name)s filed an order (%(kind)s): %(number)s") % {
                    "name": c.customer.name, "kind": c.get_kind_display(), "number": number}
            messages.append({"recipient_id": account_manager,
                             "kind": "complaint.customer_complained" if complaint else "order.customer_filed",
                             "dedupe_key": f"complaint:{c.pk}:intake", "urgent": True, "link": link,
                             "subject": subject})
        if leaders:
            if c.channel == ComplaintChannel.FORWARDED and complaint:
                subject = _("Forwarded (越级) complaint received: %(number)s") % {"number": number}
            else:
                subject = _("Order from a higher authority (%(channel)s) received: %(number)s") % {
                    "channel": c.get_channel_display(), "number": number}
            messages += [{"recipient_id": pk, "kind": "complaint.forwarded", "urgent": True, "subject": subject,
                          "link": link, "dedupe_key": f"complaint:{c.pk}:forwarded"} for pk in leaders]
    return messages


# --- transitions ---------------------------------------------------------------------------


def _acknowledge(complaint: Complaint, *, by, how: str, note: str, now: datetime) -> None:
    complaint.status = S.ACKNOWLEDGED
    complaint.acknowledged_at = now
    complaint.ack_breached = complaint.ack_breached or (complaint.ack_due_at is not None and now > complaint.ack_due_at)
    fields = ["status", "acknowledged_at", "ack_breached"]
    if complaint.handler_id is None and has_role(by, HANDLER):
        # 首问负责制: the handler who makes the first contact owns the complaint until reassigned
        complaint.handler = by
        fields.append("handler")
    _save(complaint, fields)
    _clock(complaint, now=now)
    _event(complaint, kind=EventKind.ACKNOWLEDGED, by=by, at=now, note=note, how=how,
           met=not complaint.ack_breached, deadline="ack_due_at")


@transaction.atomic
def complaint_acknowledge(*, complaint: Complaint, by, how: str = AckHow.PHONE, note: str = "") -> Complaint:
    """Record the first contact with the complainant."""
    c = _lock(complaint, A.ACKNOWLEDGE, by)
    if how not in AckHow.values:
        raise ValidationFailed("how", _("Unknown way of contact."))
    _acknowledge(c, by=by, how=how, note=note, now=timezone.now())
    return c


@transaction.atomic
def complaint_pause(*, complaint: Complaint, by, reason: str) -> Complaint:
    """Stop the clock (waiting for the complainant); stored as a segment."""
    c = _lock(complaint, A.PAUSE, by)
    if not (reason or "").strip():
        raise ValidationFailed("reason", _("Say why the clock stops."))
    now = timezone.now()
    PauseSegment.objects.create(complaint=c, started_at=now, reason=reason.strip()[:500], paused_by=by)
    c.status_before_pause, c.status, c.paused_at = c.status, S.PAUSED, now
    _save(c, ["status_before_pause", "status", "paused_at"])
    _clock(c, now=now)
    _event(c, kind=EventKind.PAUSED, by=by, at=now, note=reason.strip())
    return c


@transaction.atomic
def complaint_resume(*, complaint: Complaint, by, note: str = "") -> Complaint:
    """Restart the clock: every open deadline moves later by the pause (SPEC §3): an `hours`
    deadline by the paused wall-clock time, a `workdays` one by whole working days; one that had
    passed before the pause does not move."""
    c = _lock(complaint, A.RESUME, by)
    now = timezone.now()
    paused = now - c.paused_at
    PauseSegment.objects.filter(complaint=c, ended_at__isnull=True).update(ended_at=now, resumed_by=by,
                                                                           updated_at=now)
    back_to = c.status_before_pause or S.ACKNOWLEDGED
    moved = {}
    # the deadlines that run again in the status the complaint returns to (its lifecycle's)
    lc = lifecycle_of(c)
    kinds = [k for k in lc.running(back_to) if lc.deadline(k).runs_for(c)]
    shifted = [f for k in kinds for f in (f"{k}_due_at", f"{k}_warn_at")]
    moves = []
    cal = get_calendar()
    for kind in kinds:
        # hours: by the paused wall-clock time; workdays: by whole working days (SPEC §3)
        old_due, old_warn = getattr(c, f"{kind}_due_at"), getattr(c, f"{kind}_warn_at")
        if old_due is None:
            continue
        if old_due <= c.paused_at:
            continue  # it had passed before the pause: breached as it stands, a pause hides nothing
        # a complaint without recorded targets (imported, older rows) moves by the wall clock
        unit = (c.sla_targets or {}).get(kind, [None, deadlines.HOURS])[1]
        new_due = deadlines.move_for_pause(old_due, unit, c.paused_at, now, cal)
        setattr(c, f"{kind}_due_at", new_due)
        setattr(c, f"{kind}_warn_at", None if old_warn is None else old_warn + (new_due - old_due))
        moved[f"{kind}_due_at"] = [_iso(old_due), _iso(new_due)]
        moves.append({"kind": kind, "what": "pause", "old_due_at": old_due, "new_due_at": new_due,
                      "by": by, "note": note, "data": {"paused_at": _iso(c.paused_at), "resumed_at": _iso(now),
                                                       "paused_seconds": int(paused.total_seconds()),
                                                       "unit": unit}})
    c.status, c.status_before_pause, c.paused_at = back_to, "", None
    _save(c, ["status", "status_before_pause", "paused_at", *shifted])
    _clock(c, now=now, moves=moves)
    _event(c, kind=EventKind.RESUMED, by=by, at=now, note=note, paused_seconds=int(paused.total_seconds()),
           deadlines=moved)
    return c


@transaction.atomic
def complaint_urge(*, complaint: Complaint, by, note: str = "") -> Complaint:
    """The complainant chased the complaint (催办): log it, tell the handler; the second urge
    raises a level-1 escalation to the station head. Deadlines do not move."""
    c = _lock(complaint, A.URGE, by)
    now = timezone.now()
    c.urge_count += 1
    _save(c, ["urge_count"])
    _event(c, kind=EventKind.URGED, by=by, at=now, note=note, count=c.urge_count)
    head_id = recipients.station_heads([c.station_id]).get(c.station_id)
    with site_language():
        notify(recipients=[c.handler_id or head_id], kind="complaint.urged", dedupe_key=f"complaint:{c.pk}:urge:{c.urge_count}",
               urgent=True, subject=_("Complaint %(number)s urged by the complainant (%(n)s)") % {
                   "number": c.number, "n": c.urge_count}, link=_link(c))
    if c.urge_count >= 2:
        created = Escalation.objects.bulk_create([Escalation(
            subject_type=SubjectType.COMPLAINT, subject_id=c.pk, complaint=c, station_id=c.station_id,
            kind=DeadlineKind.URGE, level=EscalationLevel.WARNING, due_at=c.resolve_due_at or now,
            reason=_("urged twice by the complainant"))], ignore_conflicts=True)
        if created and c.urge_count == 2:
            _event(c, kind=EventKind.ESCALATED, by=None, at=now, level=1, escalation_kind="urge",
                   note=_("Second urge: escalated to the station head."))
            with site_language():
                notify(recipients=[head_id], kind="complaint.escalated", dedupe_key=f"complaint:{c.pk}:urge:escalation",
                       urgent=True, subject=_("Complaint %(number)s urged twice: level 1 escalation") % {
                           "number": c.number}, link=_link(c))
    return c


@transaction.atomic
def complaint_request_extension(*, complaint: Complaint, by, requested_due_at: datetime, reason: str) -> ExtensionRequest:
    c = _lock(complaint, A.REQUEST_EXTENSION, by)
    if not (reason or "").strip():
        raise ValidationFailed("reason", _("Say why more time is needed."))
    if requested_due_at is None or (c.resolve_due_at and requested_due_at <= c.resolve_due_at):
        raise ValidationFailed("requested_due_at", _("The requested deadline must be later than the current one."))
    now = timezone.now()
    try:
        with transaction.atomic():
            req = ExtensionRequest.objects.create(complaint=c, requested_by=by, requested_due_at=requested_due_at,
                                                  reason=reason.strip())
    except IntegrityError:
        raise ValidationFailed("requested_due_at", _("An extension request is already waiting for a decision."))
    _save(c, [])
    _event(c, kind=EventKind.EXTENSION_REQUESTED, by=by, at=now, note=reason.strip(),
           requested_due_at=_iso(requested_due_at), request=req.pk)
    with site_language():
        notify(recipients=recipients.managers(), kind="complaint.extension_requested", dedupe_key=f"extension:{req.pk}:requested",
               subject=_("Extension requested for %(number)s") % {"number": c.number}, link=_link(c))
    return req


@transaction.atomic
def complaint_approve_extension(*, complaint: Complaint, by, approve: bool = True,
                                due_at: datetime | None = None, note: str = "") -> Complaint:
    """A manager decides the pending extension request; the original deadline is kept."""
    c = _lock(complaint, A.APPROVE_EXTENSION, by)
    req = ExtensionRequest.objects.select_for_update().filter(complaint=c, status=ExtensionStatus.PENDING).first()
    if req is None:
        raise InvalidTransition(_("There is no extension request waiting for a decision."), status=c.status,
                                allowed=[a for a in _allowed(c) if a != A.APPROVE_EXTENSION])
    now = timezone.now()
    req.decided_by, req.decided_at, req.decision_note = by, now, note
    if approve:
        new_due = due_at or req.requested_due_at
        if c.resolve_due_at and new_due <= c.resolve_due_at:
            raise ValidationFailed("due_at", _("The new deadline must be later than the current one."))
        req.status, req.approved_due_at = ExtensionStatus.APPROVED, new_due
        old = c.resolve_due_at
        c.original_resolve_due_at = c.original_resolve_due_at or old
        c.resolve_due_at = new_due
        c.resolve_warn_at = deadlines.warning_at(c.resolve_started_at or c.received_at, new_due, c.warning_fraction)
        _save(c, ["original_resolve_due_at", "resolve_due_at", "resolve_warn_at"])
        _clock(c, now=now, moves=[{"kind": "resolve", "what": "extension", "old_due_at": old, "new_due_at": new_due,
                                   "by": by, "note": note or req.reason, "data": {"request": req.pk}}])
        _event(c, kind=EventKind.EXTENSION_APPROVED, by=by, at=now, note=note or req.reason, request=req.pk,
               deadlines={"resolve_due_at": [_iso(old), _iso(new_due)]})
    else:
        req.status = ExtensionStatus.REJECTED
        _save(c, [])
        _event(c, kind=EventKind.EXTENSION_REJECTED, by=by, at=now, note=note, request=req.pk)
    req.save()
    with site_language():
        notify(recipients=[req.requested_by_id], kind="complaint.extension_decided", dedupe_key=f"extension:{req.pk}:decided",
               subject=_("Extension for %(number)s: %(decision)s") % {
                   "number": c.number, "decision": req.get_status_display()}, link=_link(c))
    return c


@transaction.atomic
def complaint_resolve(*, complaint: Complaint, by, resolution: str, verified: bool | None = None,
                      utility_responsible: bool | None = None) -> Complaint:
    """The reply was given: record it; the callback deadline starts (a kind without a callback,
    complaints/kinds.py, closes here; an enquiry's reply is its answer)."""
    c = _lock(complaint, A.RESOLVE, by)
    decl = kind_of(c)
    if not (resolution or "").strip():
        raise ValidationFailed("resolution", _("Write the reply given to the complainant."))
    if decl.verdict and verified is None:
        raise ValidationFailed("verified", _("Say whether the complaint was verified (属实)."))
    if decl.verdict and utility_responsible is None:
        raise ValidationFailed("utility_responsible", _("Say whether the utility was responsible."))
    now = timezone.now()
    _reply(c, by=by, now=now, resolution=resolution.strip(), verified=verified,
           utility_responsible=utility_responsible)
    return c


def _reply(c: Complaint, *, by, now: datetime, resolution: str, verified: bool | None = None,
           utility_responsible: bool | None = None, event_kind: str = EventKind.RESOLVED, **data) -> None:
    """Record the reply (resolve, or a repair's completed work order): the status the kind's
    lifecycle leads to (resolved with its callback deadline, or closed), the event."""
    lc = lifecycle_of(c)
    c.status, c.resolved_at, c.resolved_by = lc.leads_to.get(A.RESOLVE, S.RESOLVED), now, by
    c.resolution, c.verified, c.utility_responsible = resolution, verified, utility_responsible
    if c.kind == OrderKind.ENQUIRY:
        c.answer = resolution
    c.resolve_breached = c.resolve_breached or (c.resolve_due_at is not None and now > c.resolve_due_at)
    fields = ["status", "resolved_at", "resolved_by", "resolution", "verified", "utility_responsible",
              "resolve_breached", "answer"]
    moved = {}
    if c.status == S.RESOLVED and "callback" in lc.kinds:
        c.callback_due_at, c.callback_warn_at = _due(c, "callback", now)
        fields += ["callback_due_at", "callback_warn_at"]
        moved = {"callback_due_at": [None, _iso(c.callback_due_at)]}
    if c.status == S.CLOSED:
        c.closed_at = now
        fields.append("closed_at")
    _save(c, fields)
    _clock(c, now=now)
    _event(c, kind=event_kind, by=by, at=now, note=c.resolution, verified=verified,
           utility_responsible=utility_responsible, met=not c.resolve_breached, deadline="resolve_due_at",
           deadlines=moved, **data)
    if c.status == S.CLOSED:
        _event(c, kind=EventKind.CLOSED, by=by, at=now, note=_("Closed with the reply (no callback)."))


def order_repaired(*, order: Complaint, by, work_order, note: str = "", now: datetime | None = None) -> bool:
    """A repair call's work order was completed (called by workorders inside its transaction):
    the order is resolved with the crew's notes and the caller's callback deadline (1 workday by
    default) starts. An order already replied to (a handler was first) is left as it is.
    Returns whether the order moved."""
    now = now or timezone.now()
    c = Complaint.all_kinds.select_for_update().get(pk=order.pk)
    if c.kind != OrderKind.REPAIR or A.RESOLVE not in lifecycle_of(c).allowed(c.status):
        return False
    text = (note or "").strip() or _("Repaired: work order %(number)s completed.") % {"number": work_order.number}
    _reply(c, by=by, now=now, resolution=text[:5000], event_kind=EventKind.REPAIRED,
           work_order=work_order.number, work_order_id=work_order.pk)
    return True


def _reopen(c: Complaint, *, by, now: datetime, kind: str, note: str, **data) -> None:
    """Back to acknowledged with a new resolve clock counted from now."""
    old = c.resolve_due_at
    c.status = S.ACKNOWLEDGED
    c.reopen_count += 1
    c.resolve_started_at = now
    if "resolve" in lifecycle_of(c).kinds:  # a repair call has no resolve clock (its work order's)
        c.resolve_due_at, c.resolve_warn_at = _due(c, "resolve", now)
    was_breached = c.resolve_breached
    c.resolve_breached = False  # the new clock starts clean; the timeline keeps the old breach
    # and escalates again: the new cycle's deadline rows start at level 0 (clock.engine.sync)
    c.resolved_at = None
    c.callback_due_at = c.callback_warn_at = None
    c.closed_at = None
    _save(c, ["status", "reopen_count", "resolve_started_at", "resolve_due_at", "resolve_warn_at",
              "resolve_breached", "resolved_at", "callback_due_at",
              "callback_warn_at", "closed_at"])
    _clock(c, now=now, new_cycle=True, moves=[{"kind": "resolve", "what": "reopen", "old_due_at": old,
                                                "new_due_at": c.resolve_due_at, "by": by, "note": note}]
           if c.resolve_due_at is not None else ())
    _event(c, kind=kind, by=by, at=now, note=note, reopen_count=c.reopen_count,
           previous_resolve_breached=was_breached,
           deadlines={"resolve_due_at": [_iso(old), _iso(c.resolve_due_at)]}, **data)
    if c.handler_id:
        with site_language():
            notify(recipients=[c.handler_id], kind="complaint.reopened",
                   dedupe_key=f"complaint:{c.pk}:reopen:{c.reopen_count}",
                   subject=_("Complaint %(number)s reopened") % {"number": c.number}, link=_link(c))


@transaction.atomic
def complaint_callback(*, complaint: Complaint, by, satisfaction: str, note: str = "") -> Complaint:
    """回访: record satisfaction. Dissatisfied reopens with a new resolve deadline; else closes."""
    c = _lock(complaint, A.CALLBACK, by)
    if c.resolved_by_id is not None and c.resolved_by_id == by.pk:
        raise ActionNotPermitted(_("The callback is made by the service center, not by the handler who resolved it."))
    if satisfaction not in Satisfaction.values:
        raise ValidationFailed("satisfaction", _("Choose satisfied, neutral or dissatisfied."))
    now = timezone.now()
    c.callback_at, c.satisfaction = now, satisfaction
    c.callback_breached = c.callback_breached or (c.callback_due_at is not None and now > c.callback_due_at)
    _save(c, ["callback_at", "satisfaction", "callback_breached"])
    _event(c, kind=EventKind.CALLED_BACK, by=by, at=now, note=note, satisfaction=satisfaction,
           met=not c.callback_breached, deadline="callback_due_at")
    if satisfaction == Satisfaction.DISSATISFIED:
        _reopen(c, by=by, now=now, kind=EventKind.REOPENED, note=_("The complainant is dissatisfied."),
                cause="dissatisfied")
    else:
        c.status, c.closed_at = S.CLOSED, now
        _save(c, ["status", "closed_at"])
        _clock(c, now=now)
        _event(c, kind=EventKind.CLOSED, by=by, at=now, note=_("Closed after the callback."))
    return c


@transaction.atomic
def complaint_reopen(*, complaint: Complaint, by, reason: str) -> Complaint:
    c = _lock(complaint, A.REOPEN, by)
    if not (reason or "").strip():
        raise ValidationFailed("reason", _("Say why the complaint is reopened."))
    _reopen(c, by=by, now=timezone.now(), kind=EventKind.REOPENED, note=reason.strip(), cause="manager")
    return c


def _mark_assigned(c: Complaint, now) -> list[str]:
    """The first handler meets the assignment deadline (SPEC §4): `assigned_at`, and the breach
    flag when it came late. Returns the fields set (none once assigned)."""
    if c.assigned_at is not None:
        return []
    c.assigned_at = now
    c.assign_breached = c.assign_breached or (c.assign_due_at is not None and now > c.assign_due_at)
    return ["assigned_at", "assign_breached"]


@transaction.atomic
def complaint_assign(*, complaint: Complaint, by, handler) -> Complaint:
    """Give the complaint to a handler of its station."""
    c = _lock(complaint, A.ASSIGN, by)
    if handler is None or not has_role(handler, "handler") or user_station_id(handler) != c.station_id:
        raise ValidationFailed("handler", _("Choose a complaint handler of the complaint's supply station."))
    now = timezone.now()
    old = c.handler
    c.handler = handler
    _save(c, ["handler", *_mark_assigned(c, now)])
    _clock(c, now=now)
    _event(c, kind=EventKind.ASSIGNED, by=by, at=now, handler=handler.get_username(),
           previous=old.get_username() if old else None)
    with site_language():
        notify(recipients=[handler], kind="complaint.assigned", dedupe_key=f"complaint:{c.pk}:assigned:{c.version}",
               subject=_("Complaint %(number)s assigned to you") % {"number": c.number}, link=_link(c))
    return c


@transaction.atomic
def complaint_take(*, complaint: Complaint, by) -> Complaint:
    """首问负责制: a handler of the complaint's station takes an unassigned complaint from the
    station's queue and becomes its handler. Guarded: the first take wins; a take of a complaint
    someone else already holds answers 409 (taking one's own again changes nothing)."""
    c = _lock(complaint, A.TAKE, by)
    if review_pending(c):
        raise InvalidTransition(
            _("Complaint %(number)s waits for a manager's review before the station takes it.") % {"number": c.number},
            status=c.status, allowed=[a for a in _allowed(c) if a != A.TAKE])
    if user_station_id(by) != c.station_id:
        raise ActionNotPermitted(_("Only a handler of the complaint's supply station can take it."))
    if c.handler_id == by.pk:
        return c
    now = timezone.now()
    assigned = {f: getattr(c, f) for f in _mark_assigned(c, now)}
    taken = Complaint.all_kinds.filter(pk=c.pk, handler__isnull=True).update(
        handler=by, version=F("version") + 1, updated_at=now, **assigned)
    if not taken:
        holder = c.handler.get_full_name() or c.handler.get_username() if c.handler_id else ""
        raise InvalidTransition(
            _("Complaint %(number)s was already taken by %(name)s.") % {"number": c.number, "name": holder},
            status=c.status, allowed=[a for a in _allowed(c) if a != A.TAKE])
    c.refresh_from_db(fields=["handler", "version", "updated_at"])
    if assigned:
        _clock(c, now=now)
    _event(c, kind=EventKind.TAKEN, by=by, at=now, handler=by.get_username())
    return c


@transaction.atomic
def complaint_close(*, complaint: Complaint, by, reason: str) -> Complaint:
    """A manager closes a resolved complaint without a callback (e.g. unreachable)."""
    c = _lock(complaint, A.CLOSE, by)
    if not (reason or "").strip():
        raise ValidationFailed("reason", _("Say why the complaint is closed without a callback."))
    now = timezone.now()
    c.status, c.closed_at, c.close_reason = S.CLOSED, now, reason.strip()[:500]
    _save(c, ["status", "closed_at", "close_reason"])
    _clock(c, now=now)
    _event(c, kind=EventKind.CLOSED, by=by, at=now, note=c.close_reason)
    return c


@transaction.atomic
def complaint_mark_typical(*, complaint: Complaint, by, typical: bool = True) -> Complaint:
    """A manager marks a complaint as a typical case for the reports (典型案例)."""
    if not has_role(by, MANAGER):
        raise ActionNotPermitted(_("Only managers mark typical cases."))
    c = Complaint.all_kinds.select_for_update().get(pk=complaint.pk)
    c.typical = typical
    _save(c, ["typical"])
    _event(c, kind=EventKind.MARKED_TYPICAL, by=by, at=timezone.now(), typical=typical)
    return c


# --- return (退单) and termination (服务终止), where a kind declares them (complaints/kinds.py) --------


@transaction.atomic
def order_return(*, complaint: Complaint, by, reason: str) -> Complaint:
    """退单: a handler (or the head) of the order's station finds it is not the station's business
    and returns it to the service center with the reason. The handler is cleared; the order waits
    for a manager to send it on (`order_send`); its deadlines keep running from receipt."""
    c = _lock(complaint, A.RETURN, by)
    if user_station_id(by) != c.station_id:
        raise ActionNotPermitted(_("Only the order's supply station can return it."))
    if c.returned_at is not None:
        raise InvalidTransition(_("The order was already returned to the service center."), status=c.status,
                                allowed=[a for a in _allowed(c) if a != A.RETURN])
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("reason", _("Say why the order is not the station's business."))
    now = timezone.now()
    held_by = c.handler.get_username() if c.handler_id else None
    c.returned_at, c.return_reason, c.handler = now, reason[:500], None
    _save(c, ["returned_at", "return_reason", "handler"])
    _event(c, kind=EventKind.RETURNED, by=by, at=now, note=c.return_reason, station=c.station.code,
           held_by=held_by)
    with site_language():
        notify(recipients=recipients.managers(), kind="order.returned", dedupe_key=f"order:{c.pk}:returned:{c.version}",
               subject=_("Order %(number)s returned by the station: %(reason)s") % {
                   "number": c.number, "reason": c.return_reason[:100]}, link=_link(c))
    return c


@transaction.atomic
def order_send(*, complaint: Complaint, by, station) -> Complaint:
    """The service center sends an order (returned, or to be moved) to a supply station: it waits
    in that station's queue; its deadlines keep running from receipt (their rows move with it)."""
    c = _lock(complaint, A.SEND, by)
    if station is None:
        raise ValidationFailed("station", _("Choose the supply station."))
    now = timezone.now()
    previous = c.station.code
    c.station, c.handler, c.returned_at = station, None, None
    _save(c, ["station", "handler", "returned_at"])
    _clock(c, now=now)  # the rows carry the station (the sweep's recipients)
    _event(c, kind=EventKind.SENT, by=by, at=now, station=station.code, previous_station=previous)
    head_id = recipients.station_heads([station.pk]).get(station.pk)
    with site_language():
        notify(recipients=[head_id], kind="order.sent", dedupe_key=f"order:{c.pk}:sent:{c.version}",
               subject=_("Order %(number)s sent to your station") % {"number": c.number}, link=_link(c))
    return c


@transaction.atomic
def order_terminate(*, complaint: Complaint, by, reason: str) -> Complaint:
    """服务终止: a manager closes an order whose demand goes beyond what the rules allow after it
    was handled under them (compensation claims, court cases), with the reason. Counted apart
    (`terminated_at`); its running deadlines stop."""
    c = _lock(complaint, A.TERMINATE, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("reason", _("Say why the service is terminated."))
    now = timezone.now()
    c.status, c.closed_at, c.terminated_at, c.close_reason = S.CLOSED, now, now, reason[:500]
    _save(c, ["status", "closed_at", "terminated_at", "close_reason"])
    _clock(c, now=now)
    _event(c, kind=EventKind.TERMINATED, by=by, at=now, note=c.close_reason)
    return c


@transaction.atomic
def order_answer(*, complaint: Complaint, by, answer: str) -> Complaint:
    """An enquiry answered (咨询, SPEC §7 `answer`): the answer is its reply; it closes (no callback)."""
    c = _lock(complaint, A.ANSWER, by)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed("answer", _("Write the answer given."))
    _reply(c, by=by, now=timezone.now(), resolution=answer[:MAX_DESCRIPTION], event_kind=EventKind.ANSWERED)
    return c


@transaction.atomic
def complaint_review(*, complaint: Complaint, by, note: str = "") -> Complaint:
    """A manager reviews a complaint (SPEC §11: significant, major and special ones within the
    `review` deadline, before the station gets it); the station's head is told it is theirs now.
    A second review records nothing more."""
    c = _lock(complaint, A.REVIEW, by)
    if c.reviewed_at is not None:
        return c
    now = timezone.now()
    c.reviewed_at = now
    c.review_breached = c.review_breached or (c.review_due_at is not None and now > c.review_due_at)
    _save(c, ["reviewed_at", "review_breached"])
    _clock(c, now=now)
    _event(c, kind=EventKind.REVIEWED, by=by, at=now, note=note, met=not c.review_breached, deadline="review_due_at")
    if c.review_due_at is not None:
        head_id = recipients.station_heads([c.station_id]).get(c.station_id)
        with site_language():
            notify(recipients=[head_id], kind="complaint.reviewed", dedupe_key=f"complaint:{c.pk}:reviewed", urgent=True,
                   subject=_("Complaint %(number)s reviewed: it is your station's now") % {"number": c.number},
                   link=_link(c))
    return c


# --- closed with the result of an outage (SPEC §12; outages -> tickets.outage_hooks) -------------


def order_close_with_result(*, order: Complaint, by, result: str, now: datetime | None = None, **data) -> bool:
    """An open order closed with the result of the larger event it was part of (SPEC §12: a repair
    call or an enquiry linked to an outage is closed with the outage's result at restore): the
    result is its reply (the answer of an enquiry) unless it had one, its running deadlines stop,
    one `closed` event carries `data`. Runs in the caller's transaction (the restore's); an order
    no longer open is left as it is. Returns whether the order moved."""
    now = now or timezone.now()
    c = Complaint.all_kinds.select_for_update().get(pk=order.pk)
    if c.status not in lifecycle_of(c).open_statuses:
        return False
    text = (result or "").strip()[:MAX_DESCRIPTION]
    fields = ["status", "closed_at"]
    if c.resolved_at is None:
        c.resolved_at, c.resolved_by, c.resolution = now, by, text
        c.resolve_breached = c.resolve_breached or (c.resolve_due_at is not None and now > c.resolve_due_at)
        fields += ["resolved_at", "resolved_by", "resolution", "resolve_breached"]
        if c.kind == OrderKind.ENQUIRY:
            c.answer = text
            fields.append("answer")
    c.status, c.closed_at = S.CLOSED, now
    _save(c, fields)
    _clock(c, now=now)
    _event(c, kind=EventKind.CLOSED, by=by, at=now, note=text, **data)
    return True
