"""Each lifecycle is declared once (complaints/lifecycle.py, workorders/lifecycle.py,
outages/lifecycle.py) and what is
derived from it agrees with it:

- every (status, action, role) answers through the API as declared: allowed -> 2xx, not allowed in
  the status -> 409 with the allowed list, a role without the action -> 403 (404 out of scope);
- the sweep's candidate deadlines of an object in each status are exactly the declared ones;
- the subject tables' "running deadline" index conditions equal the declaration's.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clock.engine import sync
from clock.lifecycle import lifecycles
from complaints.lifecycle import COMPLAINT
from complaints.models import Complaint, ExtensionRequest
from complaints.sweep import _rows, arms
from outages.lifecycle import OUTAGE
from outages.models import Outage
from tests.complaints.test_lifecycle_api import make as complaint_in  # a complaint in a given status
from tests.workorders.factories import WorkOrderFactory
from workorders.lifecycle import WORK_ORDER
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

FAR = (timezone.now() + timedelta(days=60)).isoformat()
COMPLAINT_BODIES = {
    "acknowledge": {"how": "phone"}, "pause": {"reason": "客户外出"}, "resume": {}, "urge": {},
    "request-extension": {"requested_due_at": FAR, "reason": "需现场勘查"}, "approve-extension": {"approve": True},
    "resolve": {"resolution": "已核实并答复。", "verified": True, "utility_responsible": False},
    "callback": {"satisfaction": "satisfied"}, "reopen": {"reason": "复核未解决"}, "assign": {"handler": "handler1"},
    "close": {"reason": "多次无法联系"}, "take": {}, "review": {},
}
# the roles of the test users (tests/conftest.py); account managers and crews see no complaints
ROLES = ["counter", "handler", "manager", "crew"]
COMPLAINT_VISIBLE = {"counter", "handler", "manager"}


def expected(lc, status, action, role, *, visible):
    if role not in visible:
        return 404
    if action not in lc.allowed(status):
        return 409
    if role not in lc.roles[action]:
        return 403
    return 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(COMPLAINT_BODIES))
@pytest.mark.parametrize("status", [s.name for s in COMPLAINT.statuses])
def test_complaint_actions_answer_as_declared(api, users, station, status, action, role):
    assert set(COMPLAINT_BODIES) == set(COMPLAINT.roles)
    c = complaint_in(status, station, users)
    if action == "approve-extension":
        ExtensionRequest.objects.create(complaint=c, requested_by=users["handler"],
                                        requested_due_at=timezone.now() + timedelta(days=30), reason="需要时间")
    r = api(users[role]).post(f"/api/v1/complaints/{c.pk}/{action}/", COMPLAINT_BODIES[action], format="json")
    want = expected(COMPLAINT, status, action, role, visible=COMPLAINT_VISIBLE)
    assert r.status_code == want, (r.status_code, r.data)
    if want == 409:
        assert r.data["allowed_actions"] == sorted(COMPLAINT.allowed(status))


WORK_ORDER_BODIES = {"dispatch": {"crew": "抢修一班"}, "accept": {}, "depart": {}, "arrive": {},
                     "complete": {"notes": "更换熔断器，已恢复供电。"}, "cancel": {"reason": "客户自行恢复"}}
# crew1 is a member of the order's crew; counter staff see their station's orders but may not act
WORK_ORDER_VISIBLE = {"counter", "handler", "manager", "crew"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(WORK_ORDER_BODIES))
@pytest.mark.parametrize("status", [s.name for s in WORK_ORDER.statuses])
def test_work_order_actions_answer_as_declared(api, users, station, crew, status, action, role):
    assert set(WORK_ORDER_BODIES) == set(WORK_ORDER.roles)
    now = timezone.now()
    order = WorkOrderFactory(station=station, crew=crew, status=status,
                             arrived_at=now if status in ("on_site", "completed") else None)
    r = api(users[role]).post(f"/api/v1/work-orders/{order.pk}/{action}/",
                              {**WORK_ORDER_BODIES[action], "version": order.version}, format="json")
    want = expected(WORK_ORDER, status, action, role, visible=WORK_ORDER_VISIBLE)
    # work orders check the role before the state: a role without the action hears 403 in any status
    if role in WORK_ORDER_VISIBLE and role not in WORK_ORDER.roles[action]:
        want = 403
    if role == "crew" and role in WORK_ORDER.roles[action]:
        want = want  # a member of the order's crew
    assert r.status_code == want, (r.status_code, r.json())
    if want == 409:
        assert r.json()["allowed_actions"] == sorted(WORK_ORDER.allowed(status))


OUTAGE_BODIES = {"start": {}, "update-estimate": {"estimated_restore_at": FAR, "reason": "需更换电缆"},
                 "restore": {"result": "已复电"}, "cancel": {"reason": "改期"}}
# counter staff see their station's outages but may not act; crews and account managers see none
OUTAGE_VISIBLE = {"counter", "handler", "manager"}


def _outage_in(status, station, *, notice_past: bool = False):
    now = timezone.now()
    started = now - timedelta(hours=1) if status in ("in_progress", "restored") else None
    due = now - timedelta(days=1) if notice_past else None
    return Outage.objects.create(
        number=f"TD{Outage.objects.count() + 1:012d}", kind="planned", station=station, cause="线路检修",
        status=status, planned_start=now + timedelta(days=2) if started is None else started, started_at=started,
        restored_at=now if status == "restored" else None, notice_due_at=due, notice_warn_at=due)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(OUTAGE_BODIES))
@pytest.mark.parametrize("status", [s.name for s in OUTAGE.statuses])
def test_outage_actions_answer_as_declared(api, users, station, status, action, role):
    assert set(OUTAGE_BODIES) == set(OUTAGE.roles)
    outage = _outage_in(status, station)
    r = api(users[role]).post(f"/api/v1/outages/{outage.pk}/{action}/", OUTAGE_BODIES[action], format="json")
    want = expected(OUTAGE, status, action, role, visible=OUTAGE_VISIBLE)
    # outages check the role before the state (core.api action_roles): 403 in any status
    if role in OUTAGE_VISIBLE and role not in OUTAGE.roles[action]:
        want = 403
    assert r.status_code == want, (r.status_code, r.json())
    if want == 409:
        assert r.json()["allowed_actions"] == sorted(OUTAGE.allowed(status))


@pytest.mark.parametrize("status", [s.name for s in OUTAGE.statuses])
def test_the_sweeps_candidates_of_an_outage_are_the_declared_running_deadlines(station, status):
    outage = _outage_in(status, station, notice_past=True)
    sync(outage, subject_type="outage")
    now = timezone.now()
    for arm in ("breach", "warning"):
        kinds = set(_rows(arms(now)[arm]).filter(subject_type="outage", subject_id=outage.pk)
                    .values_list("kind", flat=True))
        assert kinds == set(OUTAGE.running(status)), (status, arm, kinds)


def _all_past_complaint(status, station, users):
    """A complaint in `status` whose every deadline (ack, resolve, callback, assign: still in the
    queue, review: not reviewed) is long past."""
    past = timezone.now() - timedelta(days=10)
    c = complaint_in(status, station, users)
    Complaint.objects.filter(pk=c.pk).update(
        received_at=past - timedelta(days=1), resolve_started_at=past - timedelta(days=1),
        ack_due_at=past, ack_warn_at=past - timedelta(hours=1), resolve_due_at=past,
        resolve_warn_at=past - timedelta(hours=1), callback_due_at=past, callback_warn_at=past - timedelta(hours=1),
        acknowledged_at=None if status == "received" else past - timedelta(hours=20),
        resolved_at=past - timedelta(hours=10) if status in ("resolved", "closed") else None,
        assign_due_at=past, assign_warn_at=past - timedelta(hours=1), assigned_at=None, handler=None,
        review_due_at=past, review_warn_at=past - timedelta(hours=1), reviewed_at=None, review_breached=False,
        ack_breached=False, resolve_breached=False, callback_breached=False, assign_breached=False)
    c = Complaint.objects.get(pk=c.pk)
    sync(c, subject_type="complaint")
    return c


def _all_past_work_order(status, station, crew):
    past = timezone.now() - timedelta(days=10)
    order = WorkOrderFactory(station=station, crew=crew, status=status)
    WorkOrder.objects.filter(pk=order.pk).update(
        created_at=past - timedelta(hours=2), arrive_due_at=past, arrive_warn_at=past - timedelta(minutes=30),
        arrived_at=past - timedelta(hours=1) if status in ("on_site", "completed") else None,
        restore_due_at=past, restore_warn_at=past - timedelta(minutes=30))
    order = WorkOrder.objects.get(pk=order.pk)
    sync(order, subject_type="work_order")
    return order


@pytest.mark.parametrize("status", [s.name for s in COMPLAINT.statuses])
def test_the_sweeps_candidates_of_a_complaint_are_the_declared_running_deadlines(users, station, status):
    c = _all_past_complaint(status, station, users)
    now = timezone.now()
    for arm in ("breach", "warning"):
        kinds = set(_rows(arms(now)[arm]).filter(subject_type="complaint", subject_id=c.pk)
                    .values_list("kind", flat=True))
        assert kinds == set(COMPLAINT.running_for(c)), (status, arm, kinds)
    status_decl = COMPLAINT.status(status)
    if status_decl.stands:
        # every deadline had passed before the pause: those of the status it stands for run on
        assert set(COMPLAINT.running_for(c)) == set(COMPLAINT.running(c.status_before_pause)) != set()
    else:
        assert set(COMPLAINT.running_for(c)) == set(COMPLAINT.running(status))


@pytest.mark.parametrize("status", [s.name for s in WORK_ORDER.statuses])
def test_the_sweeps_candidates_of_a_work_order_are_the_declared_running_deadlines(station, crew, status):
    order = _all_past_work_order(status, station, crew)
    now = timezone.now()
    for arm in ("breach", "warning"):
        kinds = set(_rows(arms(now)[arm]).filter(subject_type="work_order", subject_id=order.pk)
                    .values_list("kind", flat=True))
        assert kinds == set(WORK_ORDER.running(status)), (status, arm, kinds)


@pytest.mark.parametrize("lc", lifecycles(), ids=lambda lc: lc.subject_type)
def test_running_deadline_indexes_agree_with_the_declaration(lc):
    """Every deadline column of the subject carries a "running" index whose condition is the
    declaration's (the migrations then keep the database's predicate equal to it:
    `makemigrations --check`)."""
    from django.apps import apps

    model = apps.get_model(lc.model_label)
    running = {}
    for index in model._meta.indexes:
        if "_run" in index.name or "warnrun" in index.name:
            running[index.fields[0]] = index.condition
    for d in lc.deadlines:
        assert d.due in running, f"{lc.subject_type}.{d.kind}: no running index on {d.due}"
        for column in (d.due, d.warn):
            if column in running:
                assert running[column] == lc.running_q(d.kind), (column, running[column], lc.running_q(d.kind))
    for column, condition in running.items():
        kind = next(d.kind for d in lc.deadlines if column in (d.due, d.warn))
        assert condition == lc.running_q(kind), column


def test_the_database_predicates_of_the_running_indexes_name_the_declared_statuses(db):
    """The predicate PostgreSQL holds for each running index names exactly the declared statuses."""
    from django.apps import apps
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    for lc in lifecycles():
        model = apps.get_model(lc.model_label)
        for index in model._meta.indexes:
            if "_run" not in index.name and "warnrun" not in index.name:
                continue
            kind = next(d.kind for d in lc.deadlines if index.fields[0] in (d.due, d.warn))
            with connection.cursor() as cur:
                cur.execute("SELECT pg_get_expr(indpred, indrelid) FROM pg_index i JOIN pg_class c "
                            "ON c.oid = i.indexrelid WHERE c.relname = %s", [index.name])
                (predicate,) = cur.fetchone()
            named = {s.name for s in lc.statuses if f"'{s.name}'" in predicate}
            assert named == set(lc.running_in(kind)), (index.name, predicate)


# --- every kind of order (SPEC §11): the kinds' lifecycles are variants of COMPLAINT -------------

from complaints.kinds import KINDS  # noqa: E402

KIND_STATUSES = [(code, s.name) for code, k in KINDS.items() for s in k.lifecycle.statuses]
TICKET_BODIES = {**COMPLAINT_BODIES, "resolve": {"resolution": "已答复。", "verified": True,
                                                 "utility_responsible": False},
                 "return": {"reason": "不属本所辖区"}, "send": {"station": "S02"}, "terminate": {"reason": "诉讼中"},
                 "answer": {"answer": "按阶梯电价计费。"}}


def order_in(kind: str, status: str, station, users):
    """An order of `kind` in `status` with the columns its kind has (no deadline it does not
    declare), its deadline rows in step."""
    c = complaint_in(status, station, users)
    decl = KINDS[kind]
    cleared = {f"{k}_{col}": None for k in ("ack", "resolve", "callback", "assign", "review")
               if k not in decl.deadlines
               for col in ("due_at", "warn_at")}
    Complaint.all_kinds.filter(pk=c.pk).update(kind=kind, service_type="other" if kind == "service" else "",
                                               address="东风路1号" if kind == "repair" else "", **cleared)
    c = Complaint.all_kinds.get(pk=c.pk)
    sync(c, subject_type="complaint")
    return c


@pytest.mark.parametrize("kind,status", KIND_STATUSES, ids=[f"{k}-{s}" for k, s in KIND_STATUSES])
def test_every_kinds_actions_answer_as_declared(api, users, station, kind, status):
    """Through /api/v1/tickets/{id}/<action>/: an action the kind's status allows answers 2xx for
    the roles declared and 403 for the others; any other action (also one the kind drops) 409
    with the kind's allowed list."""
    lc = KINDS[kind].lifecycle
    assert set(lc.roles) <= set(TICKET_BODIES)
    for action in TICKET_BODIES:
        roles = ROLES if action in lc.allowed(status) else ["manager"]
        for role in roles:
            c = order_in(kind, status, station, users)
            if action == "approve-extension":
                ExtensionRequest.objects.create(complaint=c, requested_by=users["handler"],
                                                requested_due_at=timezone.now() + timedelta(days=30), reason="需要时间")
            r = api(users[role]).post(f"/api/v1/tickets/{c.pk}/{action}/", TICKET_BODIES[action], format="json")
            want = expected(lc, status, action, role, visible=COMPLAINT_VISIBLE)
            assert r.status_code == want, (kind, status, action, role, r.status_code, r.data)
            if want == 409:
                assert r.data["allowed_actions"] == sorted(lc.allowed(status))


@pytest.mark.parametrize("kind,status", KIND_STATUSES, ids=[f"{k}-{s}" for k, s in KIND_STATUSES])
def test_the_sweeps_candidates_of_every_kind_are_its_declared_running_deadlines(users, station, kind, status):
    lc = KINDS[kind].lifecycle
    c = _all_past_complaint(status, station, users)
    cleared = {f"{k}_{col}": None for k in ("ack", "resolve", "callback", "assign", "review") if k not in lc.kinds
               for col in ("due_at", "warn_at")}
    Complaint.all_kinds.filter(pk=c.pk).update(kind=kind, **cleared)
    from clock.models import Deadline

    Deadline.objects.filter(subject_type="complaint", subject_id=c.pk).delete()
    c = Complaint.all_kinds.get(pk=c.pk)
    sync(c, subject_type="complaint")
    now = timezone.now()
    for arm in ("breach", "warning"):
        kinds = set(_rows(arms(now)[arm]).filter(subject_type="complaint", subject_id=c.pk)
                    .values_list("kind", flat=True))
        assert kinds == set(lc.running_for(c)), (kind, status, arm, kinds)
        assert kinds <= set(lc.kinds)
    if not lc.status(status).stands:
        assert set(lc.running_for(c)) == set(lc.running(status))


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_running_indexes_serve_every_kind(kind):
    """A kind's deadlines run in the statuses of the complaint declaration, so the table's running
    indexes (whose conditions are COMPLAINT's) hold exactly the rows where its clocks run."""
    lc = KINDS[kind].lifecycle
    running = {i.fields[0]: i.condition for i in Complaint._meta.indexes if "_run" in i.name or "warnrun" in i.name}
    for d in lc.deadlines:
        assert running[d.due] == lc.running_q(d.kind) == COMPLAINT.running_q(d.kind), (kind, d.kind)
        assert running[d.warn] == lc.running_q(d.kind)
