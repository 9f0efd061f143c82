import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicecenter.settings")
application = get_wsgi_application()

# What the worker has loaded by now (Django, DRF, the apps: ~140,000 objects tracked by the
# cyclic GC) lives as long as the worker: move it to the permanent generation, so that a full
# collection, which Python runs every few dozen requests, walks only what requests created since.
# Measured at full bench scale (load ~4, BENCHMARKS.md session 8): in the ticket list's request
# loop the full collections took 91-214 ms, one request in ~30, and set its p95; 55-60 ms with
# this (what the first requests create lazily is still walked).
gc.freeze()
