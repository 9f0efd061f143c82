"""Daily numbers (TS/GD + date + 4 digits): one upsert per number, on SQLite and PostgreSQL."""

from datetime import date

import pytest
from django.db import transaction

from core.models import DailySequence
from core.numbering import next_number

pytestmark = pytest.mark.django_db


def test_the_first_number_of_a_day_is_0001_and_the_next_ones_count_up():
    day = date(2026, 11, 25)
    assert [next_number(prefix="TS", day=day) for _ in range(3)] == [
        "TS202611250001", "TS202611250002", "TS202611250003"]
    assert DailySequence.objects.get(prefix="TS", day=day).last == 3


def test_each_prefix_and_day_has_its_own_sequence():
    day, next_day = date(2026, 11, 25), date(2026, 11, 26)
    next_number(prefix="TS", day=day)
    assert next_number(prefix="GD", day=day) == "GD202611250001"
    assert next_number(prefix="TS", day=next_day) == "TS202611260001"
    assert next_number(prefix="TS", day=day) == "TS202611250002"
    assert DailySequence.objects.count() == 3


def test_inside_a_callers_transaction_the_increment_rolls_back_with_it():
    day = date(2026, 11, 25)
    next_number(prefix="GD", day=day)
    with pytest.raises(RuntimeError), transaction.atomic():
        next_number(prefix="GD", day=day)
        raise RuntimeError("the caller fails")
    assert next_number(prefix="GD", day=day) == "GD202611250002"
