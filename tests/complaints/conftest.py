"""Fixtures for complaint tests: seeded categories/policies/calendar come from the migrations."""

import pytest

from complaints.models import ComplaintCategory
from tests.customers.factories import CustomerFactory


@pytest.fixture
def category(db):
    return ComplaintCategory.objects.get(code="service.attitude")


@pytest.fixture
def customer(station):
    return CustomerFactory(station=station, name="王大明", phone="13912345678")


@pytest.fixture
def walk_in(category):
    """API body of a named walk-in complaint at the counter."""
    return {"channel": "counter", "complainant_name": "李女士", "complainant_phone": "13800001111",
            "category": "service.attitude", "description": "营业厅窗口排队一小时无人办理。"}


@pytest.fixture(autouse=True)
def _fresh_reference_cache():
    """The calendar/policy cache lives per process; a rolled-back test must not leave rows in it."""
    from core.calendar import invalidate_calendar

    invalidate_calendar()
    yield
    invalidate_calendar()
