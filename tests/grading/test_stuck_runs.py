"""No run stays `pending` for ever (SPEC §13): a run whose message was lost is sent again by the
minute catch-up, `force` replaces a stuck run, and a run in progress is left alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings

from grading import services
from grading.models import GradeRun

from .conftest import OCTOBER, RUN_MOMENT

pytestmark = pytest.mark.django_db


class Publisher:
    """Stands in for the broker: records what would be published (up=False: the broker is down)."""

    def __init__(self, up=True):
        self.up, self.sent = up, []

    def __call__(self, task, *, kwargs=None, queue=None):
        if self.up:
            self.sent.append((task.name, kwargs, queue))
        return self.up


def test_a_pending_run_older_than_the_limit_is_requeued_once_per_limit(users, at_run_moment):
    run, created = services.grade_run_start(period=OCTOBER, by=users["manager"])
    assert created and run.status == "pending"
    publish = Publisher()
    assert services.requeue_stuck_runs(enqueue=publish) == [] and publish.sent == []  # fresh: its message is on its way

    later = RUN_MOMENT + settings.GRADE_RUN_REQUEUE_AFTER + timedelta(seconds=1)
    down = Publisher(up=False)
    with time_machine.travel(later, tick=False):
        assert services.requeue_stuck_runs(enqueue=down) == []  # broker still down: tried, kept stuck
        assert services.requeue_stuck_runs(enqueue=publish) == [run.pk]
        assert publish.sent == [("grading.reevaluate_grades", {"run_id": run.pk}, "grading")]
        assert services.requeue_stuck_runs(enqueue=publish) == []  # sent again only after another limit
    with time_machine.travel(later + settings.GRADE_RUN_REQUEUE_AFTER + timedelta(seconds=1), tick=False):
        assert services.requeue_stuck_runs(enqueue=publish) == [run.pk]


def test_a_running_run_whose_worker_died_is_requeued_and_reclaimed(users, at_run_moment):
    run, _ = services.grade_run_start(period=OCTOBER, by=users["manager"])
    GradeRun.objects.filter(pk=run.pk).update(status="running", started_at=RUN_MOMENT)
    publish = Publisher()
    assert services.requeue_stuck_runs(enqueue=publish) == []  # a live worker may be on it
    dead = RUN_MOMENT + timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 61)
    with time_machine.travel(dead, tick=False):
        assert services.requeue_stuck_runs(enqueue=publish) == [run.pk]
        assert services.grade_run_execute(run=run).status == "done"  # what the worker then does


def test_force_replaces_a_stuck_run_but_not_one_in_progress(users, at_run_moment):
    stuck, _ = services.grade_run_start(period=OCTOBER, by=users["manager"])
    forced, created = services.grade_run_start(period=OCTOBER, force=True, by=users["manager"])
    assert created and forced.pk != stuck.pk and forced.forced
    stuck.refresh_from_db()
    assert stuck.status == "superseded"
    assert services.grade_run_execute(run=stuck).status == "superseded"  # its late message does nothing

    GradeRun.objects.filter(pk=forced.pk).update(status="running", started_at=RUN_MOMENT)
    from servicecenter.exceptions import InvalidTransition

    with pytest.raises(InvalidTransition):
        services.grade_run_start(period=OCTOBER, force=True)


def test_force_through_the_api_on_a_stuck_run_answers_202(users, api, at_run_moment):
    client = api(users["manager"])
    first = client.post("/api/v1/grading/runs/", {"period": "2026-10"}, format="json")
    assert first.status_code == 202
    again = client.post("/api/v1/grading/runs/", {"period": "2026-10"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    forced = client.post("/api/v1/grading/runs/", {"period": "2026-10", "force": True}, format="json")
    assert forced.status_code == 202 and forced.json()["id"] != first.json()["id"]
    assert GradeRun.objects.get(pk=first.json()["id"]).status == "superseded"
