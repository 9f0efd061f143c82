"""Bulk loading with PostgreSQL COPY from an in-memory stream, with a progress bar.

The generators yield rows as tuples of already-formatted text values in the order of the
columns they name; every other NOT NULL column of the model is filled with the model field's
default (so a field another engineer adds later does not break the load).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, models
from django.utils import timezone
from tqdm import tqdm

NULL = "\\N"
# seconds spent per table: "<table>.copy" (generation + COPY) and "<table>.indexes" (rebuild)
TIMINGS: dict[str, float] = {}


def esc(value: str) -> str:
    """Escape text for COPY's text format."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def fmt(value) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return esc(json.dumps(value, ensure_ascii=False))
    if isinstance(value, int | float | Decimal):
        return str(value)
    return esc(str(value))


def _filler(field: models.Field, now: datetime) -> str | None:
    """COPY text for a column the generator does not provide (None: leave it out)."""
    if getattr(field, "db_default", models.NOT_PROVIDED) is not models.NOT_PROVIDED:
        return None  # the database fills it
    if field.has_default():
        value = field.get_default()
    elif field.null:
        return None
    elif isinstance(field, models.DateTimeField):
        value = now
    elif isinstance(field, models.DateField):
        value = now.date()
    elif isinstance(field, models.BooleanField):
        value = False
    elif isinstance(field, models.IntegerField | models.DecimalField | models.FloatField):
        value = 0
    elif isinstance(field, models.JSONField):
        value = {}
    else:
        value = ""
    if isinstance(field, models.JSONField):
        return esc(json.dumps(value))
    return fmt(value)


class _Stream:
    """A read()-able view of an iterator of text chunks, for cursor.copy_expert."""

    def __init__(self, chunks: Iterator[str]):
        self._chunks = chunks

    def read(self, size: int = -1) -> str:
        return next(self._chunks, "")

    readline = read


def copy_model(model: type[models.Model], columns: list[str], rows: Iterable[tuple], *, total: int,
               desc: str | None = None, batch: int = 5000, progress: bool = True) -> tuple[int, float]:
    """COPY rows into the model's table; returns (rows, seconds).

    `columns` are database column names; each row is a tuple of COPY text values in that order.
    """
    now = timezone.now()
    model_cols = {f.column for f in model._meta.concrete_fields}
    if not set(columns) <= model_cols:  # a column the model no longer has: leave it out
        keep = [i for i, c in enumerate(columns) if c in model_cols]
        columns = [columns[i] for i in keep]
        rows = (tuple(r[i] for i in keep) for r in rows)
    known = set(columns)
    extra_cols, extra_vals = [], []
    for f in model._meta.concrete_fields:
        if f.column in known:
            continue
        if f.primary_key:
            raise ValueError(f"{model.__name__}: the generator must provide the primary key")
        value = _filler(f, now)
        if value is not None:
            extra_cols.append(f.column)
            extra_vals.append(value)
    suffix = ("\t" + "\t".join(extra_vals)) if extra_vals else ""
    all_cols = list(columns) + extra_cols
    bar = tqdm(total=total, desc=desc or model._meta.db_table, unit="rows", unit_scale=True,
               disable=not progress, leave=True, mininterval=0.5)
    count = 0

    def chunks() -> Iterator[str]:
        nonlocal count
        buf = []
        for row in rows:
            buf.append("\t".join(row) + suffix + "\n")
            if len(buf) >= batch:
                count += len(buf)
                bar.update(len(buf))
                yield "".join(buf)
                buf = []
        if buf:
            count += len(buf)
            bar.update(len(buf))
            yield "".join(buf)

    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in all_cols)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({cols}) FROM STDIN", _Stream(chunks()), size=65536)
    bar.close()
    seconds = time.perf_counter() - started
    TIMINGS[f"{model._meta.db_table}.copy"] = TIMINGS.get(f"{model._meta.db_table}.copy", 0) + seconds
    return count, seconds


def reset_sequence(model: type[models.Model]) -> None:
    """Move the id sequence past the loaded ids (so the application's own inserts work)."""
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE((SELECT MAX({pk}) FROM {table}), 0) + 1, false)",
            [table, pk])


class fk_checks_off:
    """Skip foreign-key triggers while loading generated rows (they are consistent by construction);
    `session_replication_role = replica` needs a superuser, as the bench database's owner is."""

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        return self

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
        return False


class indexes_dropped:
    """Drop a table's plain indexes (not those backing constraints) while loading, rebuild after:
    building an index once is much faster than maintaining it row by row."""

    def __init__(self, *models_: type[models.Model]):
        self.tables = [m._meta.db_table for m in models_]
        self.defs: list[tuple[str, str]] = []

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT i.indexname, i.indexdef FROM pg_indexes i
                   WHERE i.tablename = ANY(%s) AND i.schemaname = current_schema()
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
                [self.tables])
            self.defs = cursor.fetchall()
            for name, _ in self.defs:
                cursor.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, *exc):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _name, definition in tqdm(self.defs, desc="rebuild indexes", unit="idx", leave=False,
                                          disable=not self.defs):
                cursor.execute(definition)
        key = f"{'+'.join(self.tables)}.indexes"
        TIMINGS[key] = TIMINGS.get(key, 0) + time.perf_counter() - started
        return False
