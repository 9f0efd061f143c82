"""A late outage notice escalates inside the escalation API's schema (SPEC §12, §7): the subject
type `outage` and the deadline kind `notice` are in the complaints' choice sets (the Escalation
columns, the API's filters and its OpenAPI enums), with their labels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from complaints.choices import DeadlineKind, SubjectType
from complaints.models import Escalation
from complaints.sweep import enforce_sla
from outages import services

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)


def test_the_choice_sets_hold_the_outage_and_its_notice():
    assert "outage" in SubjectType.values and "notice" in DeadlineKind.values
    field = Escalation._meta.get_field("kind")
    assert ("notice", DeadlineKind.NOTICE.label) in field.choices


def test_a_late_notice_escalation_is_listed_and_filtered_with_its_labels(api, grid, users):
    with time_machine.travel(NOON, tick=False):
        start = timezone.now() + timedelta(days=6)  # a planned outage told 6 days ahead: late
        outage = services.outage_create(by=users["handler"], kind="planned", cause="线路检修", lines=["L02"],
                                        planned_start=start, estimated_restore_at=start + timedelta(hours=8))
        enforce_sla()
    r = api(users["manager"]).get("/api/v1/escalations/", {"subject_type": "outage", "kind": "notice"},
                                  HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200, r.data
    rows = r.data["results"]
    assert sorted(x["level"] for x in rows) == [1, 2, 3]
    assert {(x["subject_type"], x["subject_id"], x["kind"]) for x in rows} == {("outage", outage.pk, "notice")}
    assert {x["kind_label"] for x in rows} == {"停电通知"}
    assert rows[0]["subject_number"] == outage.number


def test_the_openapi_schema_lists_them():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    enums = schema["components"]["schemas"]
    assert "notice" in enums["DeadlineKindEnum"]["enum"]
    assert "outage" in enums["EscalationSubjectTypeEnum"]["enum"]
