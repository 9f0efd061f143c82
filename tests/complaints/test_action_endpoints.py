"""The one permission base of action endpoints (core.api): 404 outside the scope, then 400
naming the field, then 409 for a wrong state; a role that may not act at all answers 403."""

from __future__ import annotations

import pytest

from tests.complaints.factories import ComplaintFactory
from tests.helpers import assert_not_found, role_matrix

URL = "/api/v1/complaints/"

pytestmark = pytest.mark.django_db


def test_a_complaint_outside_the_scope_is_not_found_for_every_action(api, users, station):
    c = ComplaintFactory(station=station)
    assert_not_found(api(users["other_handler"]), [("post", f"{URL}{c.pk}/{verb}/", {"how": "phone"})
                                                   for verb in ("acknowledge", "pause", "resolve", "close")])


def test_then_the_input_then_the_state(api, users, station):
    c = ComplaintFactory(station=station, handler=users["handler"])
    client = api(users["handler"])
    bad = client.post(f"{URL}{c.pk}/acknowledge/", {"how": "carrier pigeon"}, format="json")
    assert bad.status_code == 400 and "how" in bad.json()
    assert client.post(f"{URL}{c.pk}/acknowledge/", {"how": "phone"}, format="json").status_code == 200
    again = client.post(f"{URL}{c.pk}/acknowledge/", {"how": "phone"}, format="json")
    assert again.status_code == 409


@role_matrix({"handler": 200, "manager": 200, "crew": 404})
def test_who_may_acknowledge_a_complaint_of_the_station(api, users, station, role, expected):
    c = ComplaintFactory(station=station, handler=users["handler"])
    assert api(users[role]).post(f"{URL}{c.pk}/acknowledge/", {"how": "phone"}, format="json").status_code == expected
