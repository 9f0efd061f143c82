"""gunicorn settings (read by `gunicorn -c gunicorn.conf.py`, and by default from the working
directory). Every value can be set from the environment.

Database connections: each worker process opens at most one connection per thread and keeps
it DB_CONN_MAX_AGE seconds, so one host opens at most WEB_CONCURRENCY x GUNICORN_THREADS
connections (default 3 x 1); add the Celery workers (one per pool process) and keep the sum
under PostgreSQL's max_connections, or put PgBouncer in front (README, "Operations").
"""

import os
import shutil

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# The application writes one JSON line per request (ops.middleware): no second access log.
accesslog = None
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "ops.logformat.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# Several workers and /metrics: PROMETHEUS_MULTIPROC_DIR (an empty, process-local folder) lets
# one scrape sum every worker's request and query metrics.
_multiproc = os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def on_starting(server):
    if _multiproc:
        shutil.rmtree(_multiproc, ignore_errors=True)
        os.makedirs(_multiproc, exist_ok=True)


def child_exit(server, worker):
    if _multiproc:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
