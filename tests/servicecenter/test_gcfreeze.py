"""A web worker freezes what it holds at start-up and once warm out of the full GC
(servicecenter/gcfreeze.py, installed by servicecenter/wsgi.py)."""

import gc

from django.core.signals import request_finished

from servicecenter import gcfreeze


def test_install_freezes_now_and_once_more_when_warm():
    receiver = gcfreeze.install(warm_requests=3)

    def connected():
        return any(r is receiver for r in request_finished._live_receivers(None)[0])

    try:
        assert gc.get_freeze_count() > 0 and connected()
        # the receiver as request_finished calls it (sending the signal would also close the
        # test's database connections)
        for _ in range(2):
            receiver(sender=None)
        assert connected()
        frozen = gc.get_freeze_count()
        held = [[i] for i in range(100)]  # containers created while warming: tracked by the GC
        receiver(sender=None)  # the third request: frozen again, and no more
        assert gc.get_freeze_count() >= frozen + len(held)
        assert not connected()
    finally:
        gcfreeze.uninstall(receiver)
    assert gc.get_freeze_count() == 0
