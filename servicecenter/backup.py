"""Backup and restore of the database and the uploaded files (SPEC §13 "Nothing lost").

A backup is one folder `<BACKUP_DIR>/<YYYYmmdd-HHMMSS>/`:

- `db.dump`: PostgreSQL, `pg_dump --format=custom` (one consistent snapshot, restored with
  `pg_restore`), or `db.sqlite3`: SQLite, the online-backup API (a consistent copy while the
  web server and the worker keep writing);
- `media.tar.gz`: every file under MEDIA_ROOT (photos), taken after the database, so every row
  that names a file has it;
- `manifest.json`: when, what, the row count of every table and the SHA-256 of every file;
  `restore` checks the restored database and folder against it.

Retention: after each backup only the newest BACKUP_KEEP (14) folders are kept; copy them off
the machine (a backup on the same disk does not survive the disk).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.utils import timezone

MANIFEST = "manifest.json"
PG_DUMP = "db.dump"
SQLITE_COPY = "db.sqlite3"
MEDIA_TAR = "media.tar.gz"


class BackupError(Exception):
    pass


# --- what is in a database and a folder --------------------------------------------------

def table_names() -> list[str]:
    """Every table of the project's models (auto-created m2m tables too), sorted."""
    return sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True)
                   if m._meta.managed and not m._meta.proxy})


def table_counts(alias: str = "default", tables: list[str] | None = None) -> dict[str, int]:
    connection = connections[alias]
    existing = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cur:
        for table in tables or table_names():
            if table in existing:
                cur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                counts[table] = cur.fetchone()[0]
    return counts


def counts_in(db: dict, tables: list[str]) -> dict[str, int]:
    """Row counts in another database (a restore target), with the driver itself: this process's
    Django connections stay on the configured database."""
    if db["ENGINE"].endswith("sqlite3"):
        conn = sqlite3.connect(db["NAME"])
    else:
        import psycopg2

        env = _pg_env(db)
        conn = psycopg2.connect(dbname=db["NAME"], host=env["PGHOST"], port=env["PGPORT"], user=env["PGUSER"],
                                password=db.get("PASSWORD") or None)
    try:
        cur = conn.cursor()
        counts = {}
        for table in tables:
            try:
                cur.execute(f'SELECT COUNT(*) FROM "{table}"')
                counts[table] = cur.fetchone()[0]
            except Exception:  # noqa: BLE001 - a missing table is reported by the caller
                conn.rollback()
        return counts
    finally:
        conn.close()


def file_checksums(root: Path) -> dict[str, str]:
    """{relative path: sha256} of every file under `root`."""
    out = {}
    root = Path(root)
    if root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest = hashlib.sha256()
            with path.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
            out[path.relative_to(root).as_posix()] = digest.hexdigest()
    return out


# --- the database -----------------------------------------------------------------------

def _pg_env(db: dict) -> dict:
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGHOST": db.get("HOST") or "127.0.0.1",
           "PGPORT": str(db.get("PORT") or 5432), "PGUSER": db.get("USER") or "postgres"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _run(args: list[str], env: dict) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def _dump_database(db: dict, folder: Path) -> str:
    if db["ENGINE"].endswith("sqlite3"):
        source = sqlite3.connect(db["NAME"])
        target = sqlite3.connect(folder / SQLITE_COPY)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return SQLITE_COPY
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(folder / PG_DUMP)],
         _pg_env(db))
    return PG_DUMP


def _ensure_pg_database(db: dict) -> bool:
    """Create the target database if it does not exist; True when it is empty (no tables)."""
    import psycopg2
    from psycopg2 import sql

    env = _pg_env(db)
    admin = psycopg2.connect(dbname="postgres", host=env["PGHOST"], port=env["PGPORT"], user=env["PGUSER"],
                             password=db.get("PASSWORD") or None)
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if cur.fetchone() is None:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
                return True
    finally:
        admin.close()
    target = psycopg2.connect(dbname=db["NAME"], host=env["PGHOST"], port=env["PGPORT"], user=env["PGUSER"],
                              password=db.get("PASSWORD") or None)
    try:
        with target.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            return cur.fetchone()[0] == 0
    finally:
        target.close()


def _restore_database(folder: Path, db: dict, *, force: bool) -> None:
    if db["ENGINE"].endswith("sqlite3"):
        if not (folder / SQLITE_COPY).exists():
            raise BackupError(f"{folder} holds no SQLite copy ({SQLITE_COPY}): it is a PostgreSQL backup")
        target_path = Path(db["NAME"])
        if target_path.exists() and target_path.stat().st_size and not force:
            raise BackupError(f"{target_path} exists: restore into a new file, or pass --force to replace it")
        target_path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(folder / SQLITE_COPY)
        target = sqlite3.connect(target_path)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    if not (folder / PG_DUMP).exists():
        raise BackupError(f"{folder} holds no PostgreSQL dump ({PG_DUMP}): it is a SQLite backup")
    empty = _ensure_pg_database(db)
    if not empty and not force:
        raise BackupError(f"database {db['NAME']} is not empty: restore into a new one, or pass --force")
    args = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--dbname", db["NAME"]]
    if not empty:
        args += ["--clean", "--if-exists"]
    _run([*args, str(folder / PG_DUMP)], _pg_env(db))


# --- the uploaded files -------------------------------------------------------------------

def _pack_media(root: Path, folder: Path) -> None:
    with tarfile.open(folder / MEDIA_TAR, "w:gz") as tar:
        if root.exists():
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                tar.add(path, arcname=path.relative_to(root).as_posix())


def _unpack_media(folder: Path, root: Path, *, force: bool) -> None:
    root = Path(root)
    if root.exists() and any(root.iterdir()) and not force:
        raise BackupError(f"{root} is not empty: restore into a new folder, or pass --force")
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA_TAR, "r:gz") as tar:
        tar.extractall(root, filter="data")


# --- the commands -------------------------------------------------------------------------

@dataclass
class Backup:
    folder: Path
    manifest: dict


def backup(*, into: Path | None = None, keep: int | None = None) -> Backup:
    """Back up the configured database and MEDIA_ROOT into a new folder under `into`."""
    base = Path(into or settings.BACKUP_DIR)
    folder = base / timezone.now().strftime("%Y%m%d-%H%M%S")
    suffix = 1
    while folder.exists():
        folder = base / f"{timezone.now():%Y%m%d-%H%M%S}-{suffix}"
        suffix += 1
    folder.mkdir(parents=True)
    db = settings.DATABASES["default"]
    try:
        counts = table_counts()  # before the dump: rows only grow, so the dump holds at least these
        database_file = _dump_database(db, folder)
        _pack_media(Path(settings.MEDIA_ROOT), folder)
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    manifest = {"created_at": timezone.now().isoformat(), "vendor": connections["default"].vendor,
                "database_file": database_file, "tables": counts,
                "files": file_checksums(Path(settings.MEDIA_ROOT))}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    prune(base, keep=settings.BACKUP_KEEP if keep is None else keep)
    return Backup(folder=folder, manifest=manifest)


def backups(base: Path) -> list[Path]:
    """The complete backups under `base`, oldest first."""
    return sorted(p for p in Path(base).iterdir() if (p / MANIFEST).exists()) if Path(base).exists() else []


def prune(base: Path, *, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups (0 keeps all)."""
    if keep <= 0:
        return []
    old = backups(base)[:-keep]
    for path in old:
        shutil.rmtree(path)
    return old


@dataclass
class Restored:
    tables: int
    rows: int
    files: int
    problems: list[str]


def restore(folder: Path, *, database_url: str | None = None, media_root: Path | None = None,
            force: bool = False) -> Restored:
    """Restore a backup folder into a database (default: the configured one) and a media folder
    (default: MEDIA_ROOT), then check both against the manifest."""
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text()) if (folder / MANIFEST).exists() else {}
    db = dj_database_url.parse(database_url) if database_url else dict(settings.DATABASES["default"])
    media_root = Path(media_root or settings.MEDIA_ROOT)
    _restore_database(folder, db, force=force)
    _unpack_media(folder, media_root, force=force)

    problems = []
    counts = counts_in(db, list(manifest.get("tables", {})) or table_names())
    for table, expected in manifest.get("tables", {}).items():
        if counts.get(table, -1) < expected:
            problems.append(f"{table}: {counts.get(table, 'missing')} rows, the backup counted {expected}")
    files = file_checksums(media_root)
    for name, digest in manifest.get("files", {}).items():
        if files.get(name) != digest:
            problems.append(f"{name}: {'missing' if name not in files else 'checksum differs'}")
    return Restored(tables=len(counts), rows=sum(counts.values()), files=len(files), problems=problems)
