"""Append-only tables, enforced by the database (SPEC §13 "Nothing lost").

On PostgreSQL a row trigger (django-pgtrigger, installed by each app's migration) refuses
UPDATE and DELETE of a timeline row; on SQLite the migrations install nothing and the models'
own save()/delete() guards are what is left. TRUNCATE fires no row trigger: the test suite's
flush between transactional tests still empties the tables.

`mutable_once` names columns that may be written exactly once, while `once` (the first of
them) is still NULL: an escalation is acknowledged once, in its own row, because the manager's
inbox is a partial index over `acknowledged_at IS NULL` (see complaints.models.Escalation).
Every other column is compared as a whole row (to_jsonb), so a column added later is covered
without touching the trigger.
"""

from __future__ import annotations

import contextlib

import pgtrigger
from django.db import connection

PROTECT_NAME = "append_only"
PROTECT_DELETE_NAME = "append_only_delete"
PROTECT_UPDATE_NAME = "append_only_update"


def append_only(*, mutable_once: tuple[str, ...] = ()) -> list[pgtrigger.Trigger]:
    """The triggers for a model's Meta.triggers."""
    if not mutable_once:
        return [pgtrigger.Protect(name=PROTECT_NAME, operation=pgtrigger.Update | pgtrigger.Delete)]
    drop = "".join(f" - '{column}'" for column in (*mutable_once, "updated_at"))
    changed_other = f"(to_jsonb(OLD){drop}) IS DISTINCT FROM (to_jsonb(NEW){drop})"
    return [
        pgtrigger.Protect(name=PROTECT_DELETE_NAME, operation=pgtrigger.Delete),
        pgtrigger.Protect(name=PROTECT_UPDATE_NAME, operation=pgtrigger.Update,
                          condition=pgtrigger.Condition(f"OLD.{mutable_once[0]} IS NOT NULL OR {changed_other}")),
    ]


def append_only_uris() -> list[str]:
    """Every append-only trigger of the project, as pgtrigger URIs ("app.Model:name")."""
    names = {PROTECT_NAME, PROTECT_DELETE_NAME, PROTECT_UPDATE_NAME}
    return [trigger.get_uri(model) for model, trigger in pgtrigger.registered() if trigger.name in names]


@contextlib.contextmanager
def bypass_for_tests():
    """FOR TESTS ONLY: let this block UPDATE/DELETE append-only rows (pgtrigger.ignore, one
    connection, this block). A no-op on SQLite. Never call it from application code."""
    if connection.vendor != "postgresql":
        yield
        return
    with pgtrigger.ignore(*append_only_uris()):
        yield
