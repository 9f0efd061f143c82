"""Celery signal receivers (connected when Django's apps are ready, in the web and in workers):

- `before_task_publish`: a task enqueued during a web request (or by another task) carries the
  request id and the user id in its message headers;
- `task_prerun` / `task_postrun`: the worker sets them (and the task's name and id) around the
  task, so every log line of the task names the request that caused it;
- `task_success` / `task_failure` / `task_retry` / `task_rejected` / `task_revoked`: one
  cumulative counter per task and outcome in the database (`/metrics`:
  `servicecenter_celery_tasks_total`), read by whichever web process is scraped.
- `setup_logging`: the worker keeps Django's LOGGING (JSON lines) instead of Celery's own format.
"""

from __future__ import annotations

import logging
import logging.config

from celery import signals

from . import context

log = logging.getLogger("ops.celery")

REQUEST_ID_HEADER = "request_id"
USER_ID_HEADER = "user_id"


@signals.setup_logging.connect(weak=False, dispatch_uid="ops.setup_logging")
def _setup_logging(**kwargs):
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@signals.before_task_publish.connect(weak=False, dispatch_uid="ops.before_task_publish")
def _carry_request_id(headers=None, **kwargs):
    if headers is None:
        return
    rid = context.request_id.get()
    if rid and not headers.get(REQUEST_ID_HEADER):
        headers[REQUEST_ID_HEADER] = rid
    uid = context.current_user_id()
    if uid is not None and not headers.get(USER_ID_HEADER):
        headers[USER_ID_HEADER] = uid


_tokens: dict[str, tuple] = {}


@signals.task_prerun.connect(weak=False, dispatch_uid="ops.task_prerun")
def _task_started(task_id=None, task=None, **kwargs):
    req = getattr(task, "request", None)
    rid = getattr(req, REQUEST_ID_HEADER, None) if req is not None else None
    uid = getattr(req, USER_ID_HEADER, None) if req is not None else None
    _tokens[task_id] = (context.request_id.set(rid), context.user_id.set(uid),
                        context.task.set({"name": getattr(task, "name", None), "id": task_id}))


@signals.task_postrun.connect(weak=False, dispatch_uid="ops.task_postrun")
def _task_finished(task_id=None, **kwargs):
    tokens = _tokens.pop(task_id, None)
    if tokens:
        context.task.reset(tokens[2])
        context.user_id.reset(tokens[1])
        context.request_id.reset(tokens[0])


def _count(task_name: str | None, outcome: str) -> None:
    if not task_name:
        return
    try:
        from .records import add

        add([("celery_task", f"{task_name}|{outcome}", 1)])
    except Exception as exc:  # noqa: BLE001 - counting must never fail a task
        log.warning("task outcome not counted (%s: %s)", type(exc).__name__, exc)


@signals.task_success.connect(weak=False, dispatch_uid="ops.task_success")
def _success(sender=None, **kwargs):
    _count(getattr(sender, "name", None), "success")


@signals.task_failure.connect(weak=False, dispatch_uid="ops.task_failure")
def _failure(sender=None, **kwargs):
    _count(getattr(sender, "name", None), "failure")


@signals.task_retry.connect(weak=False, dispatch_uid="ops.task_retry")
def _retry(sender=None, **kwargs):
    _count(getattr(sender, "name", None), "retry")


@signals.task_rejected.connect(weak=False, dispatch_uid="ops.task_rejected")
def _rejected(message=None, **kwargs):
    name = (getattr(message, "headers", None) or {}).get("task")
    _count(name, "rejected")


@signals.task_revoked.connect(weak=False, dispatch_uid="ops.task_revoked")
def _revoked(request=None, **kwargs):
    _count(getattr(request, "task", None) or getattr(request, "name", None), "revoked")
