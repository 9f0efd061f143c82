"""Settings of the test suite (pyproject: DJANGO_SETTINGS_MODULE): the production settings with a
test-only secret key, and the sign-in lockout and API throttles out of the way of tests that are
not about them. tests/servicecenter/test_signin_protection.py turns both back on (fixture
`signin_protection`). Subprocesses started by tests (workers, servers) inherit the key and this
module through the environment."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-never-used-in-production-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "*")  # as before DEBUG went off by default; tests use several names

from .settings import *  # noqa: E402,F403

AXES_ENABLED = False
THROTTLE_RATES = {scope: None for scope in THROTTLE_RATES}  # noqa: F405
