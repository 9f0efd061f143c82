"""Human-facing numbers drawn from daily counters (TS20261125 0001, GD20261125 0001)."""

from __future__ import annotations

from django.db import connection

from .models import DailySequence


def next_number(*, prefix: str, day) -> str:
    """The next `<prefix><YYYYMMDD><4 digits>` number for `day` (local date).

    One statement, `INSERT ... ON CONFLICT (prefix, day) DO UPDATE SET last = last + 1
    RETURNING last` (PostgreSQL; SQLite >= 3.35), so concurrent callers never get the same number.
    The row stays locked until the surrounding transaction ends: called outside a transaction
    (autocommit) that is the statement itself, so callers that can draw the number before
    opening their transaction (intake) do not serialize on the day's row; a caller that rolls
    back after drawing leaves a gap in the day's numbers (numbers are unique, not gapless).
    """
    qn = connection.ops.quote_name
    table = qn(DailySequence._meta.db_table)
    prefix_col, day_col, last_col = (qn(DailySequence._meta.get_field(f).column) for f in ("prefix", "day", "last"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({prefix_col}, {day_col}, {last_col}) VALUES (%s, %s, 1) "
            f"ON CONFLICT ({prefix_col}, {day_col}) DO UPDATE SET {last_col} = {table}.{last_col} + 1 "
            f"RETURNING {last_col}",
            [prefix, connection.ops.adapt_datefield_value(day)])
        last = cursor.fetchone()[0]
    return f"{prefix}{day:%Y%m%d}{last:04d}"
