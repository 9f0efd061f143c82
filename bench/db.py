"""The benchmark's own PostgreSQL database: where it is, create, migrate, drop."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_NAME = "servicecenter_bench"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/"


def bench_database_url(explicit: str | None = None) -> str:
    """--database-url, else BENCH_DATABASE_URL, else DATABASE_URL's server (when it is PostgreSQL)
    with the database `servicecenter_bench`, else a local server."""
    url = explicit or os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        base = DEFAULT_SERVER
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, "/" + DEFAULT_NAME, parts.query, ""))


def db_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _maintenance_dsn(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))


def _admin(url: str, statement) -> None:
    conn = psycopg2.connect(_maintenance_dsn(url))
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(statement)
    finally:
        conn.close()


def create_database(url: str) -> None:
    name = sql.Identifier(db_name(url))
    _admin(url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
    _admin(url, sql.SQL("CREATE DATABASE {}").format(name))


def drop_database(url: str) -> None:
    _admin(url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db_name(url))))


def database_exists(url: str) -> bool:
    conn = psycopg2.connect(_maintenance_dsn(url))
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name(url)])
            return cur.fetchone() is not None
    finally:
        conn.close()


def child_env(url: str, var_dir: str, **extra: str) -> dict[str, str]:
    """Environment for every process of the run (migrate, gunicorn, grade run): production-like
    settings (DEBUG off) against the bench database, with a private VAR_DIR (broker folder,
    media) so a run leaves nothing behind in the project."""
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": env.get("SECRET_KEY") or "bench-only-secret-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "VAR_DIR": var_dir,
        "LOG_LEVEL": env.get("BENCH_LOG_LEVEL", "WARNING"),
        "DJANGO_SETTINGS_MODULE": "servicecenter.settings",
        "PYTHONUNBUFFERED": "1",
        # the throttles stay in the request path, at rates a load test does not reach
        "THROTTLE_RATE_USER": "1000000/minute",
        "THROTTLE_RATE_ADDRESS": "1000000/minute",
        "THROTTLE_RATE_TOKEN": "1000000/minute",
        "THROTTLE_RATE_PUBLIC": "1000000/minute",
    })
    broker = os.environ.get("BENCH_BROKER_URL")
    if broker:
        env["CELERY_BROKER_URL"] = broker
    else:
        env.pop("CELERY_BROKER_URL", None)  # the file-system broker inside VAR_DIR
    env.update(extra)
    return env


def migrate(env: dict[str, str]) -> float:
    """`manage.py migrate` in a subprocess against the bench database; returns seconds."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{proc.stdout}\n{proc.stderr}")
    return time.perf_counter() - started
