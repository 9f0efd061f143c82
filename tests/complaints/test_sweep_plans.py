"""The sweep's statements can walk their partial indexes (PostgreSQL): each arm of the sweep
(complaints/sweep.py `arms`) over the deadline rows (clock.Deadline) matches the predicate of its
own small partial index. If a change to an arm or an index condition breaks the match, PostgreSQL
can no longer prove the index usable and the sweep falls back to reading every running deadline:
this test says so at once, where the benchmark would only show it at full scale.

For each arm the test keeps only the arm's own index (every other index of the table that backs
no constraint is dropped inside a savepoint that is rolled back) and switches sequential scans
off, so the plan uses that index exactly when PostgreSQL can prove it holds the arm's rows,
whatever the (tiny) table's statistics. Which index wins at scale, among those that qualify,
is the benchmark's business (`python -m bench --only sweep`)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection, transaction

from complaints.sweep import _rows, arms

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
INDEX = {"breach": "clock_dl_breach", "warning": "clock_dl_warn", "severe": "clock_dl_late"}


def plan_with_only(queryset, index: str) -> str:
    """EXPLAIN of `queryset` with `index` the only non-constraint index of its table."""
    sql, params = queryset.query.sql_with_params()
    table = queryset.model._meta.db_table
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("""SELECT i.indexname FROM pg_indexes i WHERE i.tablename = %s AND i.indexname <> %s
                       AND i.schemaname = current_schema()
                       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
                    [table, index])
        for (name,) in cur.fetchall():
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("EXPLAIN " + sql, params)
        text = "\n".join(r[0] for r in cur.fetchall())
        transaction.set_rollback(True)
    return text


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.mark.parametrize("arm", list(INDEX))
def test_each_arm_walks_its_own_partial_index(arm):
    rows = _rows(arms(NOW)[arm]).order_by().values("pk")
    text = plan_with_only(rows, INDEX[arm])
    assert INDEX[arm] in text, f"the {arm} arm does not use {INDEX[arm]}:\n{text}"
    assert "Seq Scan" not in text, text
