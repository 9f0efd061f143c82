"""Operations: health checks, metrics, JSON logs with request ids (issue 17 items 1-3).

Depends on Django only at import time; it reads the other apps' tables lazily (inside the
checks and the metrics collector), so every app may call `ops.records` without a cycle.
"""
