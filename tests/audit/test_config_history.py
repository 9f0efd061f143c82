"""Configuration history (SPEC §13): who changed which setting, when, old and new values,
visible in admin; the complaint's clock names the policy version that set its deadlines."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from audit.changes import describe
from complaints.models import Complaint, SlaPolicy
from servicecenter.schedules import SCHEDULE
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"


@pytest.fixture
def walk_in(db):
    return {"channel": "counter", "complainant_name": "李女士", "complainant_phone": "13800001111",
            "category": "service.attitude", "description": "营业厅窗口排队一小时无人办理。"}


def admin_form(policy: SlaPolicy, **changes) -> dict:
    data = {f: getattr(policy, f) for f in ["name", "severity", "grade", "channel", "priority", "ack_amount",
                                          "ack_unit", "resolve_amount", "resolve_unit", "assign_minutes", "callback_amount",
                                          "callback_unit", "warning_fraction"]}
    data.update(active="on" if policy.active else "", **changes)
    return {k: v for k, v in data.items() if v != ""}


def take(api, users, walk_in) -> Complaint:
    r = api(users["counter"]).post(URL, walk_in, format="json")
    assert r.status_code == 201, r.data
    return Complaint.objects.get(pk=r.data["id"])


def test_an_sla_policy_changed_in_admin_leaves_a_history_row_and_new_complaints_name_the_new_version(
        client, api, users, walk_in):
    before = take(api, users, walk_in)
    policy = before.sla_policy
    old_ack = policy.ack_amount
    versions_before = policy.history.count()

    assert client.login(username=users["admin"].username, password=PASSWORD)
    r = client.post(f"/admin/complaints/slapolicy/{policy.pk}/change/", admin_form(policy, ack_amount=old_ack + 7))
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    policy.refresh_from_db()
    assert policy.ack_amount == old_ack + 7

    record = policy.history.order_by("-history_id").first()
    assert policy.history.count() == versions_before + 1
    assert record.history_type == "~" and record.history_user == users["admin"]
    assert [(str(field), old, new) for field, old, new in describe(record)] == [
        (str(SlaPolicy._meta.get_field("ack_amount").verbose_name), str(old_ack), str(old_ack + 7))]

    # visible in admin: the policy's own history page and the list of configuration changes
    page = client.get(f"/admin/complaints/slapolicy/{policy.pk}/history/").content.decode()
    assert users["admin"].username in page and f"{old_ack}" in page and f"{old_ack + 7}" in page
    listing = client.get("/admin/audit/historicalslapolicy/").content.decode()
    assert f"{old_ack} → {old_ack + 7}" in listing and users["admin"].username in listing

    # the clock of a complaint taken after the change names the new version, the older one the old
    after = take(api, users, walk_in)
    assert after.sla_policy_id == policy.pk and after.sla_targets["ack"][0] == old_ack + 7
    manager = api(users["manager"])
    manager.force_login(users["manager"])
    new_clock = manager.get(f"/complaints/{after.number}/").content.decode()
    old_clock = manager.get(f"/complaints/{before.number}/").content.decode()
    assert f'data-history-id="{record.history_id}"' in new_clock
    assert f"第 {versions_before + 1} 版" in new_clock
    assert f'data-history-id="{record.history_id}"' not in old_clock and "data-history-id=" in old_clock


def test_roles_staff_and_schedules_are_recorded_but_not_their_noise(users):
    group = Group.objects.get(name="counter")
    n = group.history.count()
    group.permissions.add(Permission.objects.get(codename="delete_complaint"))
    assert group.history.count() == n + 1
    assert any(old != new for _f, old, new in describe(group.history.order_by("-history_id").first()))

    user = users["handler"]
    n = user.history.count()
    user.last_login = user.date_joined
    user.save(update_fields=["last_login"])  # what every sign-in does
    user.save()  # nothing recorded changed
    assert user.history.count() == n
    user.first_name = "新名"
    user.save()
    assert user.history.count() == n + 1

    call_command("setup_schedules")
    task = PeriodicTask.objects.get(name=next(iter(SCHEDULE)))
    n = task.history.count()
    task.total_run_count += 1  # what beat writes after every run
    task.save()
    assert task.history.count() == n
    task.enabled = False
    task.save()
    assert task.history.count() == n + 1


def test_loading_an_official_year_records_every_replaced_and_loaded_day_with_the_admin(client, users):
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.models import WorkCalendarDay

    WorkCalendarDay.objects.create(date=date(2031, 1, 1), is_workday=True, name="", source="manual")
    assert client.login(username=users["admin"].username, password=PASSWORD)
    csv = "date,is_workday,name\n2031-01-01,0,元旦\n2031-01-25,1,调休上班\n"
    r = client.post("/calendar/", {"year": "2031", "file": SimpleUploadedFile("2031.csv", csv.encode(),
                                                                              content_type="text/csv")})
    assert r.status_code == 302, r.content.decode()[:500]
    records = WorkCalendarDay.history.filter(date__year=2031).order_by("history_id")
    assert [(str(h.date), h.history_type, h.is_workday) for h in records] == [
        ("2031-01-01", "+", True),  # the manual day as it was created
        ("2031-01-01", "-", True), ("2031-01-01", "+", False), ("2031-01-25", "+", True)]
    assert all(h.history_user == users["admin"] for h in records[1:])
    assert {h.history_change_reason for h in records[1:]} == {"2031 loaded (official)"}


def test_activating_a_grading_policy_records_the_deactivation_of_the_other(users):
    from grading import services
    from grading.models import GradingPolicy

    active = GradingPolicy.objects.get(is_active=True)
    n = active.history.count()
    services.policy_save(policy=GradingPolicy(name="score", kind="scorecard", is_active=True))
    active.refresh_from_db()
    assert not active.is_active and active.history.count() == n + 1
    record = active.history.order_by("-history_id").first()
    assert record.history_type == "~" and record.is_active is False
    assert [field for field, _old, _new in describe(record)] == [
        str(GradingPolicy._meta.get_field("is_active").verbose_name)]
