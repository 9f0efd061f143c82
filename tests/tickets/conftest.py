"""Fixtures for the orders of every kind: the complaints' (seeded categories, policies and work
calendar come from the migrations)."""

import pytest

from tests.complaints.conftest import _fresh_reference_cache, category, customer, walk_in  # noqa: F401
from tests.workorders.conftest import crew  # noqa: F401

URL = "/api/v1/tickets/"


@pytest.fixture
def caller():
    """The caller's part of an order's API body (a named caller with a phone)."""
    return {"channel": "phone", "complainant_name": "李女士", "complainant_phone": "13800001111"}

