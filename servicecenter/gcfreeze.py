"""A web worker's garbage collection: what it holds once warm lives as long as the worker.

Python's full (generation 2) collection walks every object the cyclic GC tracks. A worker holds
~140,000 of them after start-up (Django, DRF, the apps) and ~42,000 more after its first requests
(URL resolvers, serializer fields, compiled templates, query caches): measured at full bench
scale (load ~4, BENCHMARKS.md session 8), the full collections in the ticket list's request
loop took 91-214 ms, one request in ~30, and set the list's p95. `gc.freeze()` moves what is
tracked to a permanent generation that collections skip: frozen at start-up 55-60 ms, frozen
again once warm 17-25 ms.

`install()` (servicecenter/wsgi.py) collects and freezes at once (no request waits), and
freezes again after the worker's first WARM_REQUESTS requests without collecting first (a full
collection there would be the very pause this avoids, on one user's request): what cyclic
garbage exists at that moment is kept for the worker's life, a one-time cost. The bench's
in-process request scenarios call the same (bench/context.py, `like_a_web_worker`).
"""

from __future__ import annotations

import gc

from django.core.signals import request_finished

WARM_REQUESTS = 50


class _WhenWarm:
    def __init__(self, after: int):
        self.left = after

    def __call__(self, **kwargs):
        self.left -= 1
        if self.left <= 0:
            request_finished.disconnect(self)
            gc.freeze()


def install(*, warm_requests: int = WARM_REQUESTS) -> _WhenWarm:
    """Freeze now and once more after `warm_requests` requests; returns the receiver (to
    disconnect it early: `uninstall`)."""
    gc.collect()
    gc.freeze()
    receiver = _WhenWarm(warm_requests)
    request_finished.connect(receiver, weak=False)
    return receiver


def uninstall(receiver: _WhenWarm) -> None:
    request_finished.disconnect(receiver)
    gc.unfreeze()
