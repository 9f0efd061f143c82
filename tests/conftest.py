"""Shared fixtures: two stations, one user per role, API clients, and the rules that turn
missing services into skips on a bare machine and into failures in CI."""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests.customers.factories import StaffFactory, StationFactory

PASSWORD = "test-pass-123"

# Playwright fixtures for every app's journeys: one browser for the whole session.
pytest_plugins = ["tests.browser.fixtures"]


def _required(var: str) -> bool:
    return os.environ.get(var, "") not in ("", "0", "false")


def pytest_collection_modifyitems(config, items):
    is_pg = settings.DB_IS_POSTGRES
    is_redis = settings.CELERY_BROKER_URL.startswith("redis")
    chromium = shutil.which("chromium") or os.path.exists("/usr/bin/chromium")
    for item in items:
        if "postgres" in item.keywords and not is_pg:
            if _required("REQUIRE_POSTGRES"):
                item.add_marker(pytest.mark.xfail(reason="REQUIRE_POSTGRES=1 but DATABASE_URL is not PostgreSQL",
                                                  strict=True, run=False))
            else:
                item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://..."))
        if "redis" in item.keywords and not is_redis:
            if not _required("REQUIRE_REDIS"):
                item.add_marker(pytest.mark.skip(reason="needs Redis: set CELERY_BROKER_URL=redis://..."))
        if "browser" in item.keywords and not chromium:
            if _required("REQUIRE_BROWSER"):
                raise pytest.UsageError("REQUIRE_BROWSER=1 but /usr/bin/chromium is missing "
                                        "(apt-get install chromium fonts-noto-cjk)")
            item.add_marker(pytest.mark.skip(
                reason="needs Chromium: apt-get install chromium fonts-noto-cjk (REQUIRE_BROWSER=1 makes this a failure)"))


@pytest.fixture
def station(db):
    return StationFactory(code="S01", name="城东供电所")


@pytest.fixture
def other_station(db):
    return StationFactory(code="S02", name="城西供电所", area_type="rural")


@pytest.fixture
def users(station, other_station):
    """One user per role at `station` (managers/admins see all), plus a handler at the other."""
    return {
        "counter": StaffFactory(username="counter1", role="counter", station=station),
        "handler": StaffFactory(username="handler1", role="handler", station=station),
        "manager": StaffFactory(username="manager1", role="manager", station=None),
        "leader": StaffFactory(username="leader1", role="manager", station=None, leadership=True),
        "account_manager": StaffFactory(username="am1", role="account_manager", station=station, tier="chief"),
        "crew": StaffFactory(username="crew1", role="crew", station=station),
        "admin": StaffFactory(username="admin1", role="admin", station=None),
        "other_handler": StaffFactory(username="handler2", role="handler", station=other_station),
        "other_counter": StaffFactory(username="counter2", role="counter", station=other_station),
    }


@pytest.fixture
def api():
    """An API client factory: api(user) signs in as that user (token auth, like integrations)."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # PBKDF2 is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests (live server, real workers) flush the database after each test, and
    with it the rows the data migrations seeded (categories, SLA policies, work calendar).
    Re-seed them, idempotently, before each such test."""
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        marker = request.node.get_closest_marker("django_db")
        if not (marker and marker.kwargs.get("transaction")):
            return
    request.getfixturevalue("transactional_db")
    import importlib

    from django.apps import apps

    seed = importlib.import_module("complaints.migrations.0003_seed_categories_policies_calendar").seed
    seed(_ModelsToday(apps), None)
    # the policies of every kind of order (SPEC §11), seeded by their own migration
    importlib.import_module("complaints.migrations.0015_seed_kind_policies").seed(apps, None)


class _ModelsToday:
    """The seed migration's models where they live today (the work calendar moved to core)."""

    MOVED = {("complaints", "WorkCalendarDay"): ("core", "WorkCalendarDay")}

    def __init__(self, apps):
        self.apps = apps

    def get_model(self, app_label, model_name):
        return self.apps.get_model(*self.MOVED.get((app_label, model_name), (app_label, model_name)))
