"""Fixtures of the grading tests, and the Playwright fixtures re-exported for the journey."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from grading.models import GradingPolicy

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The beat entry's moment: 1 November 2026, 02:00 in Shanghai; the run grades October.
RUN_MOMENT = datetime.datetime(2026, 11, 1, 2, 0, tzinfo=SHANGHAI)
OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture
def at_run_moment():
    with time_machine.travel(RUN_MOMENT, tick=False):
        yield RUN_MOMENT


@pytest.fixture
def small_policy(db):
    """top 2 → A, top 4 → B: small enough to write every expected grade out by hand."""
    GradingPolicy.objects.update(is_active=False)
    return GradingPolicy.objects.create(name="small", top_a=2, top_b=4, is_active=True)
